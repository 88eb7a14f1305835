import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
} from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's capacity, computed by its documented rules from the items a request saw, rather
 * than from any constant of ours. The cost test records each write's item before and after it
 * (`recordDynamoDbRequests`) and prices them here.
 *
 * Item size — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
 * "The total size of an item is the sum of the lengths of its attribute names and values":
 * strings are their UTF-8 bytes; a number is "(1 byte per two significant digits) + (1 byte)";
 * binary is its raw bytes; null and Boolean are 1 byte; "An attribute of type List or Map
 * requires 3 bytes of overhead, regardless of its contents", and "Each List or Map element also
 * requires 1 byte of overhead".
 *
 * Table writes — https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html:
 * item sizes for writes are rounded up to the next 1 KB; for `PutItem` over an existing item
 * "the item size that matters is the larger of the two"; for `UpdateItem` "DynamoDB considers the
 * size of the item as it appears before and after the update. The provisioned throughput
 * consumed reflects the larger of these item sizes"; and "If a ConditionExpression evaluates to
 * false during a conditional write, DynamoDB still consumes write capacity from the table: If
 * the item does not currently exist in the table, DynamoDB consumes one write capacity unit. If
 * the item does exist, the number of write capacity units consumed depends on the size of the
 * item" (WorkingWithItems.html#WorkingWithItems.ConditionalWrites.ReturnConsumedCapacity).
 *
 * Index writes — "Provisioned throughput considerations for Global Secondary Indexes", Write
 * capacity units (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes):
 * "Note that if a write to a table does not require a global secondary index update, then no
 * write capacity is consumed from the index." "The cost of writing an item to a global secondary
 * index depends on several factors:
 *  - If you write a new item to the table that defines an indexed attribute, or you update an
 *    existing item to define a previously undefined indexed attribute, one write operation is
 *    required to put the item into the index.
 *  - If an update to the table changes the value of an indexed key attribute (from A to B), two
 *    writes are required, one to delete the previous item from the index and another write to
 *    put the new item into the index.
 *  - If an item was present in the index, but a write to the table caused the indexed attribute
 *    to be deleted, one write is required to delete the old item projection from the index.
 *  - If an item is not present in the index before or after the item is updated, there is no
 *    additional write cost for the index.
 *  - If an update to the table only changes the value of projected attributes in the index key
 *    schema, but does not change the value of any indexed key attribute, then one write is
 *    required to update the values of the projected attributes into the index.
 * All of these factors assume that the size of each item in the index is less than or equal to
 * the 1 KB item size for calculating write capacity units. Larger index entries will require
 * additional write capacity units." A failed conditional write changes no index.
 *
 * Reads — "A strongly consistent read request of up to 4 KB requires one read request unit ...
 * For items up to 4 KB in size, an eventually consistent read request requires one-half read
 * request unit" (https://aws.amazon.com/dynamodb/pricing/on-demand/).
 */

export type Item = Record<string, AttributeValue>;

/** What an index copies from the table: `ALL`, `KEYS_ONLY`, or the keys and these attributes. */
export type Projection = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

export interface IndexModel {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly projection: Projection;
}

export interface TableModel {
  /** A name for reports: the table's role, such as `executions`. */
  readonly role: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexModel[];
}

/** One write request as the table saw it: the item before and after (absent: no item). */
export interface ObservedWrite {
  readonly command: string;
  readonly table: TableModel;
  readonly before?: Item;
  readonly after?: Item;
  readonly conditionFailed: boolean;
}

/** One read request, with the item it returned (absent: none). */
export interface ObservedRead {
  readonly command: string;
  readonly table: TableModel;
  readonly consistent: boolean;
  readonly item?: Item;
}

export type IndexChange = 'none' | 'put' | 'update' | 'delete' | 'delete+put';

export interface IndexWrite {
  readonly index: string;
  readonly change: IndexChange;
  readonly units: number;
}

export interface WriteCost {
  readonly tableUnits: number;
  readonly indexWrites: readonly IndexWrite[];
  readonly units: number;
}

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;
const encoder = new TextEncoder();

const utf8 = (text: string) => encoder.encode(text).byteLength;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** "(1 byte per two significant digits) + (1 byte)"; leading and trailing zeroes are trimmed. */
export function numberSize(text: string): number {
  const mantissa = (text.trim().replace(/^[-+]/, '').split(/e/i)[0] ?? '').replace('.', '');
  const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}

/** The size of one attribute's value (its name not included). */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return sum(value.SS.map(utf8));
  if (value.NS !== undefined) return sum(value.NS.map(numberSize));
  if (value.BS !== undefined) return sum(value.BS.map((bytes) => bytes.byteLength));
  if (value.L !== undefined) return 3 + sum(value.L.map((element) => 1 + valueSize(element)));
  if (value.M !== undefined) {
    return (
      3 + sum(Object.entries(value.M).map(([name, element]) => 1 + utf8(name) + valueSize(element)))
    );
  }
  throw new Error(`Not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/** The item's size: its attribute names and values. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return sum(Object.entries(item).map(([name, value]) => utf8(name) + valueSize(value)));
}

/** Write units for an item of `bytes`: rounded up to the next 1 KB, at least one. */
export function writeUnitsFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/** The entry `item` has in `index`, or undefined when the item lacks one of the index's keys. */
export function indexEntry(table: TableModel, index: IndexModel, item?: Item): Item | undefined {
  if (!item) return undefined;
  const keys = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];
  if (keys.some((key) => item[key] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const projected = [
    table.partitionKey,
    ...(table.sortKey ? [table.sortKey] : []),
    ...keys,
    ...(index.projection === 'KEYS_ONLY' ? [] : index.projection.include),
  ];
  return Object.fromEntries(
    projected.flatMap((name) => (item[name] === undefined ? [] : [[name, item[name]]])),
  ) as Item;
}

/** What one write costs `index`, by the GSI write rules quoted at the top of this file. */
export function indexWrite(table: TableModel, index: IndexModel, write: ObservedWrite): IndexWrite {
  const none = { index: index.name, change: 'none', units: 0 } as const;
  if (write.conditionFailed) return none;
  const before = indexEntry(table, index, write.before);
  const after = indexEntry(table, index, write.after);
  if (!before && !after) return none;
  if (!before && after) {
    return { index: index.name, change: 'put', units: writeUnitsFor(itemSize(after)) };
  }
  if (before && !after) {
    return { index: index.name, change: 'delete', units: writeUnitsFor(itemSize(before)) };
  }
  if (!before || !after) return none;
  const keys = [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];
  if (keys.some((key) => canonical(before[key]) !== canonical(after[key]))) {
    return { index: index.name, change: 'delete+put', units: 1 + writeUnitsFor(itemSize(after)) };
  }
  if (canonical(before) === canonical(after)) return none;
  return { index: index.name, change: 'update', units: writeUnitsFor(itemSize(after)) };
}

/** The write units one write request consumed: the table's and every index's. */
export function writeCost(write: ObservedWrite, indexes = write.table.indexes): WriteCost {
  const tableUnits = write.conditionFailed
    ? writeUnitsFor(itemSize(write.before))
    : writeUnitsFor(Math.max(itemSize(write.before), itemSize(write.after)));
  const indexWrites = indexes.map((index) => indexWrite(write.table, index, write));
  return { tableUnits, indexWrites, units: tableUnits + sum(indexWrites.map((w) => w.units)) };
}

/** The read units of a `GetItem`: 4 KB steps, half for an eventually consistent read. */
export function readUnits(read: ObservedRead): number {
  const steps = Math.max(1, Math.ceil(itemSize(read.item) / READ_UNIT_BYTES));
  return read.consistent ? steps : steps / 2;
}

/** JSON with sorted keys and bytes as base64, to compare two attribute values or items. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/**
 * Records every single-item write and `GetItem` that `client` sends to one of `tables` (by
 * table name), with the item before and after each write, read by `observer`: a client of its
 * own, so that these reads are not among the requests counted on `client`. The middleware sits
 * at the build step, where the document client has already marshalled the input.
 */
export function recordDynamoDbRequests(
  client: DynamoDBClient,
  observer: DynamoDBClient,
  tables: ReadonlyMap<string, TableModel>,
): { readonly writes: ObservedWrite[]; readonly reads: ObservedRead[] } {
  const writes: ObservedWrite[] = [];
  const reads: ObservedRead[] = [];
  const read = async (tableName: string, key: Item) =>
    (
      await observer.send(
        new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      )
    ).Item;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as {
        TableName?: string;
        Key?: Item;
        Item?: Item;
        ConsistentRead?: boolean;
      };
      const table = tables.get(input.TableName ?? '');
      if (!table || (!WRITE_COMMANDS.has(command) && command !== 'GetItemCommand')) {
        return next(args);
      }
      const keyNames = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
      const source = input.Key ?? input.Item ?? {};
      const key = Object.fromEntries(keyNames.map((name) => [name, source[name]])) as Item;
      const tableName = input.TableName ?? '';
      if (command === 'GetItemCommand') {
        const result = await next(args);
        const item = await read(tableName, key);
        reads.push({
          command,
          table,
          consistent: (input as GetItemCommandInput).ConsistentRead === true,
          ...(item ? { item } : {}),
        });
        return result;
      }
      const before = await read(tableName, key);
      try {
        const result = await next(args);
        const after = await read(tableName, key);
        writes.push({ command, table, conditionFailed: false, ...withItems(before, after) });
        return result;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          writes.push({ command, table, conditionFailed: true, ...withItems(before, before) });
        }
        throw error;
      }
    },
    { step: 'build', name: `recordDynamoDbRequests-${randomUUID()}` },
  );
  return { writes, reads };
}

function withItems(before?: Item, after?: Item): { before?: Item; after?: Item } {
  return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
}
