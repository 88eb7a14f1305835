import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import type { DynamoDBRecord, SQSBatchResponse } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { QueuePoller } from '../../local/queue-poller';
import { createAlertEvaluator } from '../../shared/alerts/alert-evaluator';
import { createAlertsStreamHandler } from '../../shared/alerts/alerts-stream-handler';
import { JobRegistry } from '../../shared/executor/job-registry';
import { defineJob } from '../../shared/job/define-job';
import type { AnyJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { powertoolsLogger } from '../../shared/logging/powertools-logger';
import { DynamoDbAlertConfigStore } from '../../shared/stores/dynamodb/dynamodb-alert-config-store';
import { DynamoDbAlertLog } from '../../shared/stores/dynamodb/dynamodb-alert-log';
import { DynamoDbAlertThrottle } from '../../shared/stores/dynamodb/dynamodb-alert-throttle';
import { DynamoDbExecutionStore } from '../../shared/stores/dynamodb/dynamodb-execution-store';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableNames,
} from '../../shared/tables/table-definitions';
import { createWorker } from '../../shared/worker/create-worker';
import { buildJobsApp, jobSource, templateOf } from '../infra/jobs-app';
import { createUniqueTables, useDynamoDb, useSqs } from '../support/aws-test-servers';
import {
  type IndexModel,
  indexWrite,
  itemSize,
  numberSize,
  type ObservedRead,
  type ObservedWrite,
  readUnits,
  recordDynamoDbRequests,
  type TableModel,
  writeCost,
} from '../support/dynamodb-capacity';

/**
 * What one successful scheduled run costs on AWS, end to end, counted on the real code: the tick
 * as the deployed schedule sends it (its target input read from the synthesized template), the
 * job's queue (fauxqs), Lambda's SQS event source mapping (`QueuePoller`, the project's own
 * emulation of it), the worker as `functions/worker.ts` builds it (`createWorker`, a Powertools
 * logger), DynamoDB (dynalite), and the alerts function that the executions table's stream feeds
 * (its filter read from the template). Every AWS request is counted per client, by command, and
 * DynamoDB's write units are computed from each write's item before and after it by AWS's
 * documented rules (`test/support/dynamodb-capacity.ts` quotes them). A change that adds a
 * request or a write unit to a run fails here; the README's "What a run costs" is this test's
 * printout priced at list prices.
 */

const dynamoDb = useDynamoDb();
const sqs = useSqs();

/** A job with every default: 256 MB, queue class `default`, overlap `allow`, no alert rules. */
const nightlyExport = defineJob({
  name: 'nightly-export',
  schedule: { cron: '0 2 * * *' },
  run: async () => JobResult.success(),
});

/** The tick Scheduler sends: `<aws.scheduler.scheduled-time>` is the due time, to the second. */
const SCHEDULED_TIME = '2026-11-23T02:00:00Z';

/** us-east-1 list prices, USD, past each free tier. */
const PRICES = {
  // https://aws.amazon.com/eventbridge/pricing/ (Scheduler: $1.00 per million invocations)
  schedulerPerInvocation: 1.0 / 1e6,
  // https://aws.amazon.com/sqs/pricing/ (standard: $0.40 per million requests, 64 KB chunks)
  sqsPerRequest: 0.4 / 1e6,
  // https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests; per GB-second, first tier)
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the November 2024 halving)
  dynamoDbPerWriteUnit: 0.625 / 1e6,
  dynamoDbPerReadUnit: 0.125 / 1e6,
  // https://aws.amazon.com/cloudwatch/pricing/ (standard log ingestion)
  logsPerIngestedGb: 0.5,
} as const;

/** The job body's billed duration the price assumes (the 100 ms job). */
const JOB_BODY_MS = 100;
/** Not measurable here: the alerts function's billed duration for a run it sends no alert for. */
const ALERTS_ASSUMED_MS = 20;

describe('DynamoDB capacity as the cost test computes it', () => {
  const table: TableModel = {
    role: 'runs',
    partitionKey: 'job',
    sortKey: 'run',
    indexes: [{ name: 'byDay', partitionKey: 'day', sortKey: 'at', projection: 'ALL' }],
  };
  const [byDay] = table.indexes as [IndexModel];
  const item = (fields: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, value]) => [name, { S: value }]),
    ) as Record<string, AttributeValue>;
  const write = (
    before?: Record<string, string>,
    after?: Record<string, string>,
  ): ObservedWrite => ({
    command: 'PutItemCommand',
    table,
    conditionFailed: false,
    ...(before ? { before: item(before) } : {}),
    ...(after ? { after: item(after) } : {}),
  });

  it('sizes an item as its attribute names plus values: strings in UTF-8, numbers by significant digits, maps with 3 bytes and 1 per element', () => {
    expect(itemSize({ name: { S: 'héllo' } })).toBe(4 + 6);
    expect(numberSize('1700000000')).toBe(1 + 1);
    expect(numberSize('-12.345')).toBe(3 + 1);
    expect(itemSize({ m: { M: { a: { BOOL: true }, bb: { NULL: true } } } })).toBe(
      1 + 3 + (1 + 1 + 1) + (1 + 2 + 1),
    );
  });

  it('charges an index one write to put a new entry and one to update projected attributes, none when the item is in it neither before nor after', () => {
    expect(
      indexWrite(table, byDay, write(undefined, { job: 'a', run: '1', day: 'd', at: 't' })).units,
    ).toBe(1);
    expect(
      indexWrite(
        table,
        byDay,
        write(
          { job: 'a', run: '1', day: 'd', at: 't' },
          { job: 'a', run: '1', day: 'd', at: 't', status: 'ok' },
        ),
      ),
    ).toMatchObject({ change: 'update', units: 1 });
    expect(
      indexWrite(table, byDay, write({ job: 'a', run: '1' }, { job: 'a', run: '1', x: 'y' })).units,
    ).toBe(0);
  });

  it('charges an index a delete and a put when an index key changes, and one write when the entry leaves it', () => {
    expect(
      indexWrite(
        table,
        byDay,
        write({ job: 'a', run: '1', day: 'd', at: 't' }, { job: 'a', run: '1', day: 'd', at: 'u' }),
      ),
    ).toMatchObject({ change: 'delete+put', units: 2 });
    expect(
      indexWrite(
        table,
        byDay,
        write({ job: 'a', run: '1', day: 'd', at: 't' }, { job: 'a', run: '1' }),
      ),
    ).toMatchObject({ change: 'delete', units: 1 });
  });

  it('charges a KEYS_ONLY index nothing for an update that leaves its keys alone', () => {
    const keysOnly: IndexModel = { ...byDay, projection: 'KEYS_ONLY' };
    expect(
      indexWrite(
        table,
        keysOnly,
        write(
          { job: 'a', run: '1', day: 'd', at: 't' },
          { job: 'a', run: '1', day: 'd', at: 't', status: 'ok' },
        ),
      ).units,
    ).toBe(0);
  });

  it('charges a failed conditional write one unit for a missing item and none to its indexes', () => {
    const failed: ObservedWrite = { ...write(undefined, undefined), conditionFailed: true };
    expect(writeCost(failed)).toMatchObject({ tableUnits: 1, units: 1 });
  });

  it('charges a write the larger of the item before and after, in 1 KB steps', () => {
    const big = { job: 'a', run: '1', blob: 'x'.repeat(1500) };
    expect(writeCost(write(big, { job: 'a', run: '1' })).tableUnits).toBe(2);
  });
});

describe('one successful scheduled run, end to end', () => {
  it('runs the tick the deployed schedule sends as one succeeded attempt of a schedule run', async () => {
    const run = await runOneScheduledTick();

    expect(run.attempts).toMatchObject([
      { status: 'succeeded', trigger: 'schedule', scheduledTime: SCHEDULED_TIME, attempt: 1 },
    ]);
  });

  it('sends 3 SQS requests: the tick, one receive of its batch and one delete, and none from the worker', async () => {
    const run = await runOneScheduledTick();

    expect(
      run.requests['Scheduler → SQS'],
      'SQS bills each request, each 64 KB chunk of its payload as one: the tick is one chunk',
    ).toEqual({ SendMessageCommand: 1 });
    expect(
      run.requests['Lambda event source mapping → SQS'],
      '"Lambda reads messages in batches and invokes your function once for each batch. When your function successfully processes a batch, Lambda deletes its messages from the queue": one receive per batch, its deletes assumed batched (one request for a batch of 1)',
    ).toEqual({ ReceiveMessageCommand: 1, DeleteMessageBatchCommand: 1 });
    expect(
      run.requests['worker → SQS'],
      'a successful attempt changes no visibility and dead-letters nothing',
    ).toEqual({});
  });

  it('invokes Lambda twice: the worker once for the batch, the alerts function for the outcome only', async () => {
    const run = await runOneScheduledTick();

    expect(run.workerBatches, 'Lambda invokes the worker once per batch').toEqual([1]);
    expect(run.streamEvents, "the claim inserts the run's item, the outcome modifies it").toEqual([
      'INSERT',
      'MODIFY',
    ]);
    expect(
      run.alertsInvocations,
      "the mapping's filter drops the claim (status running); a filtered-out record invokes nothing, and Lambda bills invocations",
    ).toEqual([['MODIFY']]);
  });

  it('sends the worker 2 PutItem and 1 GetItem to DynamoDB, and the alerts function 2 GetItem', async () => {
    const run = await runOneScheduledTick();

    expect(
      run.requests['worker → DynamoDB'],
      'the claim and the outcome are one PutItem each, the pause state one GetItem',
    ).toEqual({ PutItemCommand: 2, GetItemCommand: 1 });
    expect(
      run.requests['alerts → DynamoDB'],
      "every ended attempt reads its job's alert config and the app's default",
    ).toEqual({ GetItemCommand: 2 });
    expect(run.workerWrites.map((write) => `${write.command} ${write.table.role}`)).toEqual([
      'PutItemCommand executions',
      'PutItemCommand executions',
    ]);
  });

  it('consumes 4 write units to claim the run and 4 to record its outcome', async () => {
    const run = await runOneScheduledTick();
    const [claim, outcome] = run.workerWrites.map((write) => summary(writeCost(write)));

    expect(
      claim,
      'a new item: 1 KB steps for the table, and "one write operation is required to put the item into the index" of each index whose keys it has (not recentFailures: it did not fail)',
    ).toEqual({
      table: 1,
      byJob: 'put 1',
      recentRuns: 'put 1',
      recentFailures: 'none 0',
      openRuns: 'put 1',
      total: 4,
    });
    expect(
      outcome,
      'the larger of the item before and after for the table; "one write is required to update the values of the projected attributes" of an ALL index whose keys stay put; "one write is required to delete the old item projection" from openRuns, whose keys the outcome removes',
    ).toEqual({
      table: 1,
      byJob: 'update 1',
      recentRuns: 'update 1',
      recentFailures: 'none 0',
      openRuns: 'delete 1',
      total: 4,
    });
    expect(run.largestItemBytes, 'every unit above rests on items under 1 KB').toBeLessThan(1024);
  });

  it('reads 3 units: the pause state and the two alert configs, each a strongly consistent GetItem', async () => {
    const run = await runOneScheduledTick();
    const units = (reads: readonly ObservedRead[]) =>
      reads.map((read) => [read.table.role, read.consistent, readUnits(read)]);

    expect(
      units(run.workerReads),
      '"A strongly consistent read request of up to 4 KB requires one read request unit"; the worker keeps the pause state for 5 s, so ticks further apart read it every time',
    ).toEqual([['jobState', true, 1]]);
    expect(units(run.alertsReads)).toEqual([
      ['alertConfig', true, 1],
      ['alertConfig', true, 1],
    ]);
  });

  it('would consume 6 write units with KEYS_ONLY indexes, 4 without the open-runs index too, 3 without byJob as well', async () => {
    const run = await runOneScheduledTick();

    expect(
      writeUnitsUnderDesigns(run.workerWrites, run.deployed.executionsIndexes),
      'the same two writes, priced with other indexes: a KEYS_ONLY index takes no write when an update leaves its keys alone',
    ).toEqual({
      'deployed (every index ALL)': 8,
      'byJob, recentRuns, openRuns KEYS_ONLY': 6,
      'byJob, recentRuns KEYS_ONLY, no openRuns index': 4,
      'recentRuns KEYS_ONLY, no openRuns, no byJob (a time-ordered sort key)': 3,
    });
  });

  it('logs one line from the worker: the run finished', async () => {
    const run = await runOneScheduledTick();

    expect(run.workerLog.map((line) => JSON.parse(line).message)).toEqual(['Run finished']);
  });

  it('prices a million runs at list prices, DynamoDB writes the largest share', async () => {
    const run = await runOneScheduledTick();
    const priced = priceOneMillionRuns(run);
    console.log(costTable(run, priced));

    const [largest] = [...priced.lines].sort((a, b) => b.dollars - a.dollars);
    expect(largest?.label).toMatch(/^DynamoDB write units/);
  });
});

interface RunMeasurement {
  readonly deployed: DeployedConfiguration;
  readonly attempts: readonly unknown[];
  readonly requests: Record<string, Record<string, number>>;
  /** The number of messages in each batch the worker was invoked with. */
  readonly workerBatches: readonly number[];
  /** The stream events the run's writes to the executions table produce. */
  readonly streamEvents: readonly string[];
  /** The alerts function's invocations, as the stream events of each. */
  readonly alertsInvocations: readonly (readonly string[])[];
  readonly workerWrites: readonly ObservedWrite[];
  readonly workerReads: readonly ObservedRead[];
  readonly alertsReads: readonly ObservedRead[];
  readonly largestItemBytes: number;
  /** What the worker wrote to stdout and stderr for the run, a line each. */
  readonly workerLog: readonly string[];
}

/**
 * Deploys `nightlyExport` as far as this machine can (fresh tables, its queue, the worker and
 * alerts handlers built as Lambda builds them), fires one tick and measures it.
 */
async function runOneScheduledTick(): Promise<RunMeasurement> {
  const deployed = deployedConfiguration(nightlyExport);
  const jobName = nightlyExport.name as string;
  const tables = await createUniqueTables(dynamoDb.current);
  const requests = new RequestCounter();

  // The principals of a run, each with its own client: Scheduler sends the tick, Lambda's event
  // source mapping receives and deletes it, the worker and the alerts function call DynamoDB
  // (and the worker SQS, for retries and dead letters).
  const schedulerSqs = requests.count('Scheduler → SQS', sqs.current.createClient());
  const pollerSqs = requests.count('Lambda event source mapping → SQS', sqs.current.createClient());
  const workerSqs = requests.count('worker → SQS', sqs.current.createClient());
  const workerDynamoDb = requests.count('worker → DynamoDB', dynamoDb.current.createClient());
  const alertsDynamoDb = requests.count('alerts → DynamoDB', dynamoDb.current.createClient());
  const models = tableModels(tables, deployed.executionsIndexes);
  const observer = dynamoDb.current.createClient();
  const worker = recordDynamoDbRequests(workerDynamoDb, observer, models);
  const alerts = recordDynamoDbRequests(alertsDynamoDb, observer, models);

  const queue = sqs.current.createQueueWithDlq(deployed.names.job(jobName), {
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
  });
  const logged = captureLambdaOutput(deployed.environment);
  const handler = createWorker({
    jobs: [nightlyExport],
    names: deployed.names,
    tables,
    dynamoDbClient: workerDynamoDb,
    sqsClient: workerSqs,
    queues: sqs.current.queueLocator(deployed.names),
    queueUrlForArn: sqs.current.queueUrlForArn,
    retentionDays: 90,
    codeVersion: '42',
    logger: powertoolsLogger(new PowertoolsLogger({ serviceName: 'jobs-worker' })),
  }).handler;
  const workerBatches: number[] = [];
  const poller = new QueuePoller({
    sqsClient: pollerSqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    batchSize: deployed.batchSize,
    handler: (event, context): Promise<SQSBatchResponse> => {
      workerBatches.push(event.Records.length);
      return handler(event, context);
    },
  });

  await schedulerSqs.send(
    new SendMessageCommand({ QueueUrl: queue.url, MessageBody: deployed.tickBody(SCHEDULED_TIME) }),
  );
  await poller.pollOnce();
  const workerLog = logged.stop();

  // The executions table's stream, as the alerts function's event source mapping filters it.
  const records = worker.writes
    .filter((write) => write.table.role === 'executions')
    .map(streamRecordOf);
  const passing = records.filter((record) =>
    deployed.alertsFilters.some((pattern) => matchesEventPattern(pattern, record)),
  );
  const alertsHandler = createAlertsStreamHandler({
    evaluator: createAlertEvaluator({
      alertConfigStore: new DynamoDbAlertConfigStore({
        client: alertsDynamoDb,
        tableName: tables.alertConfig,
      }),
      throttle: new DynamoDbAlertThrottle({
        client: alertsDynamoDb,
        tableName: tables.alertConfig,
      }),
      alertLog: new DynamoDbAlertLog({ client: alertsDynamoDb, tableName: tables.alertConfig }),
      notifiers: [],
      jobs: JobRegistry.from([nightlyExport]),
    }),
  });
  const alertsInvocations: string[][] = [];
  if (passing.length > 0) {
    // One batch: a lone run's records fit in the mapping's batch of 100.
    const response = await alertsHandler({ Records: passing });
    if (response.batchItemFailures.length > 0) throw new Error('the alerts function failed');
    alertsInvocations.push(passing.map((record) => record.eventName ?? ''));
  }

  const runId = worker.writes[0]?.after?.runId?.S ?? '';
  const attempts = await new DynamoDbExecutionStore({
    client: dynamoDb.current.createClient(),
    tableName: tables.executions,
  }).getRun(jobName, runId);
  return {
    deployed,
    attempts,
    requests: requests.byPrincipal(),
    workerBatches,
    streamEvents: records.map((record) => record.eventName ?? ''),
    alertsInvocations,
    workerWrites: worker.writes,
    workerReads: worker.reads,
    alertsReads: alerts.reads,
    largestItemBytes: Math.max(
      ...worker.writes.flatMap((write) => [itemSize(write.before), itemSize(write.after)]),
    ),
    workerLog,
  };
}

/** The run's write units, priced with the deployed indexes and with other designs. */
function writeUnitsUnderDesigns(
  writes: readonly ObservedWrite[],
  deployed: readonly IndexModel[],
): Record<string, number> {
  const units = (indexes: readonly IndexModel[]) =>
    sum(writes.map((write) => writeCost(write, indexes).units));
  const keysOnly = (names: readonly string[]) =>
    deployed.map((index) =>
      names.includes(index.name) ? { ...index, projection: 'KEYS_ONLY' as const } : index,
    );
  const without = (indexes: readonly IndexModel[], ...names: string[]) =>
    indexes.filter((index) => !names.includes(index.name));
  return {
    'deployed (every index ALL)': units(deployed),
    'byJob, recentRuns, openRuns KEYS_ONLY': units(keysOnly(['byJob', 'recentRuns', 'openRuns'])),
    'byJob, recentRuns KEYS_ONLY, no openRuns index': units(
      without(keysOnly(['byJob', 'recentRuns']), 'openRuns'),
    ),
    'recentRuns KEYS_ONLY, no openRuns, no byJob (a time-ordered sort key)': units(
      without(keysOnly(['recentRuns']), 'openRuns', 'byJob'),
    ),
  };
}

interface DeployedConfiguration {
  readonly names: ReturnType<typeof buildJobsApp>['jobs']['names'];
  /** The schedule target's input with Scheduler's placeholders filled in. */
  readonly tickBody: (scheduledTime: string) => string;
  readonly architecture: 'arm64' | 'x86_64';
  readonly memoryMb: number;
  readonly batchSize: number;
  readonly tracing: string;
  readonly logFormat: string;
  readonly environment: Record<string, string>;
  readonly executionsIndexes: readonly IndexModel[];
  readonly alertsFilters: readonly unknown[];
}

interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** What `cdk deploy` would create for `job`, read from the synthesized templates. */
function deployedConfiguration(job: AnyJobDefinition): DeployedConfiguration {
  const source = jobSource(job);
  const { jobs } = buildJobsApp({ jobs: [source] });
  const resourcesOf = (template: Template) =>
    Object.values((template.toJSON() as { Resources: Record<string, CfnResource> }).Resources);
  const shard = resourcesOf(templateOf(jobs, source.definition.name));
  const one = (
    resources: CfnResource[],
    type: string,
    where: (r: CfnResource) => boolean = () => true,
  ) => {
    const found = resources.filter((resource) => resource.Type === type && where(resource));
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return (found[0] as CfnResource).Properties;
  };
  const schedule = one(shard, 'AWS::Scheduler::Schedule');
  const fn = one(
    shard,
    'AWS::Lambda::Function',
    (r) => r.Properties.FunctionName === jobs.names.job(source.definition.name),
  );
  const mapping = one(shard, 'AWS::Lambda::EventSourceMapping');
  const executions = one(
    resourcesOf(Template.fromStack(jobs.dataStack)),
    'AWS::DynamoDB::Table',
    (r) => r.Properties.TableName === jobs.names.tables.executions,
  );
  const alertsMapping = one(
    resourcesOf(Template.fromStack(jobs.controlStack)),
    'AWS::Lambda::EventSourceMapping',
    (r) => r.Properties.FilterCriteria !== undefined,
  );
  const target = schedule.Target as { Input: string };
  const scheduleArn = `arn:aws:scheduler:us-east-1:123456789012:schedule/${String(schedule.GroupName)}/${String(schedule.Name)}`;
  const indexes = executions.GlobalSecondaryIndexes as {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  const keyOf = (schema: { AttributeName: string; KeyType: string }[], type: string) =>
    schema.find((key) => key.KeyType === type)?.AttributeName;
  return {
    names: jobs.names,
    tickBody: (scheduledTime) =>
      target.Input.replaceAll('<aws.scheduler.scheduled-time>', scheduledTime).replaceAll(
        '<aws.scheduler.schedule-arn>',
        scheduleArn,
      ),
    architecture: ((fn.Architectures as string[] | undefined)?.[0] ?? 'x86_64') as
      | 'arm64'
      | 'x86_64',
    memoryMb: fn.MemorySize as number,
    batchSize: mapping.BatchSize as number,
    tracing: (fn.TracingConfig as { Mode?: string } | undefined)?.Mode ?? 'PassThrough',
    logFormat: (fn.LoggingConfig as { LogFormat?: string } | undefined)?.LogFormat ?? 'Text',
    environment: (fn.Environment as { Variables: Record<string, string> }).Variables,
    executionsIndexes: indexes.map((index) => ({
      name: index.IndexName,
      partitionKey: keyOf(index.KeySchema, 'HASH') ?? '',
      ...(keyOf(index.KeySchema, 'RANGE')
        ? { sortKey: keyOf(index.KeySchema, 'RANGE') as string }
        : {}),
      projection:
        index.Projection.ProjectionType === 'INCLUDE'
          ? { include: index.Projection.NonKeyAttributes ?? [] }
          : index.Projection.ProjectionType,
    })),
    alertsFilters: (alertsMapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map(
      (filter) => JSON.parse(filter.Pattern),
    ),
  };
}

/** The app's tables, by the names this test created them under, with the deployed indexes. */
function tableModels(
  tables: TableNames,
  executionsIndexes: readonly IndexModel[],
): Map<string, TableModel> {
  const model = (
    role: string,
    definition: { partitionKey: { name: string }; sortKey?: { name: string } },
    indexes: readonly IndexModel[] = [],
  ): TableModel => ({
    role,
    partitionKey: definition.partitionKey.name,
    ...(definition.sortKey ? { sortKey: definition.sortKey.name } : {}),
    indexes,
  });
  return new Map([
    [tables.executions, model('executions', EXECUTIONS_TABLE, executionsIndexes)],
    [tables.jobState, model('jobState', JOB_STATE_TABLE)],
    [tables.alertConfig, model('alertConfig', ALERT_CONFIG_TABLE)],
  ]);
}

/** Counts the requests each principal's client sends, by command. */
class RequestCounter {
  private readonly counts = new Map<string, Record<string, number>>();

  count<C extends DynamoDBClient | SQSClient>(principal: string, client: C): C {
    const counts: Record<string, number> = {};
    this.counts.set(principal, counts);
    // Both clients' stacks take the same middleware; TypeScript cannot call a union of them.
    (client.middlewareStack as DynamoDBClient['middlewareStack']).add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        counts[command] = (counts[command] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    return client;
  }

  byPrincipal(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.counts].map(([principal, counts]) => [principal, { ...counts }]),
    );
  }
}

/**
 * The function's environment as deployed, with the trace header an Active function gets, and
 * what it writes to stdout and stderr (what Lambda ships to CloudWatch Logs) until `stop`.
 */
function captureLambdaOutput(environment: Record<string, string>): { stop: () => string[] } {
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.stubEnv(
    '_X_AMZN_TRACE_ID',
    'Root=1-6741c2a0-0f4b8e1c3d2a5b6c7d8e9f01;Parent=53995c3f42cd8ad8;Sampled=1',
  );
  vi.stubEnv('AWS_LAMBDA_FUNCTION_VERSION', '42');
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    stop: () => {
      out.mockRestore();
      err.mockRestore();
      return lines;
    },
  };
}

/** The stream record (NEW_IMAGE) a write to the executions table produces. */
function streamRecordOf(write: ObservedWrite): DynamoDBRecord {
  const { table } = write;
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  const image = write.after ?? {};
  return {
    eventName: write.before ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: Object.fromEntries(keys.map((key) => [key, image[key]])) as never,
      NewImage: image as never,
      SequenceNumber: String(Math.floor(Math.random() * 1e12)),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

/**
 * Whether an event matches an event source mapping's filter pattern, for the pattern syntax the
 * alerts mapping uses: arrays of values, and `anything-but` (the field must exist).
 */
function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule) => {
      if (rule !== null && typeof rule === 'object' && 'anything-but' in rule) {
        const excluded = (rule as { 'anything-but': unknown[] })['anything-but'];
        return event !== undefined && !excluded.includes(event);
      }
      return rule === event;
    });
  }
  if (pattern === null || typeof pattern !== 'object') return pattern === event;
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, rule]) =>
    matchesEventPattern(rule, (event as Record<string, unknown>)[field]),
  );
}

function summary(cost: ReturnType<typeof writeCost>): Record<string, number | string> {
  return {
    table: cost.tableUnits,
    ...Object.fromEntries(
      cost.indexWrites.map((write) => [write.index, `${write.change} ${write.units}`]),
    ),
    total: cost.units,
  };
}

/**
 * The bytes of the two records Lambda writes per invocation in JSON log format, as its
 * documentation shows them (platform.start, platform.report), with a request id, a published
 * version and the tracing context of an Active function. Modelled, not measured.
 */
function platformRecordBytes(memoryMb: number): number {
  const requestId = '0c1d2e3f-4a5b-46c7-8d9e-0f1a2b3c4d5e';
  const tracing = {
    spanId: '53995c3f42cd8ad8',
    type: 'X-Amzn-Trace-Id',
    value: 'Root=1-6741c2a0-0f4b8e1c3d2a5b6c7d8e9f01;Parent=53995c3f42cd8ad8;Sampled=1',
  };
  const start = {
    time: '2026-11-23T02:00:00.412Z',
    type: 'platform.start',
    record: { requestId, version: '42', tracing },
  };
  const report = {
    time: '2026-11-23T02:00:00.530Z',
    type: 'platform.report',
    record: {
      requestId,
      metrics: {
        durationMs: 117.208,
        billedDurationMs: 118,
        memorySizeMB: memoryMb,
        maxMemoryUsedMB: 97,
      },
      tracing,
      status: 'success',
    },
  };
  return byteLength(JSON.stringify(start)) + byteLength(JSON.stringify(report));
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

interface PricedLine {
  readonly label: string;
  readonly quantity: string;
  readonly dollars: number;
}

interface PricedRuns {
  readonly lines: readonly PricedLine[];
  readonly total: number;
  /** The total were the functions on the other architecture. */
  readonly totalOnOtherArchitecture: number;
}

/** One million runs like the measured one, at `PRICES`, before any free tier. */
function priceOneMillionRuns(run: RunMeasurement): PricedRuns {
  const { deployed, requests } = run;
  const million = 1e6;
  const requestsOf = (principal: string) => sum(Object.values(requests[principal] ?? {}));
  const sqsRequests = sum(
    ['Scheduler → SQS', 'Lambda event source mapping → SQS', 'worker → SQS'].map(requestsOf),
  );
  const invocations = run.workerBatches.length + run.alertsInvocations.length;
  const billedMs =
    JOB_BODY_MS * run.workerBatches.length + ALERTS_ASSUMED_MS * run.alertsInvocations.length;
  const gbSeconds = (deployed.memoryMb / 1024) * (billedMs / 1000);
  const writeUnits = sum(run.workerWrites.map((write) => writeCost(write).units));
  const reads = sum([...run.workerReads, ...run.alertsReads].map(readUnits));
  const logBytes =
    sum(run.workerLog.map(byteLength)) + platformRecordBytes(deployed.memoryMb) * invocations;
  const other = deployed.architecture === 'arm64' ? 'x86_64' : 'arm64';
  const duration = (architecture: 'arm64' | 'x86_64') =>
    gbSeconds * PRICES.lambdaPerGbSecond[architecture] * million;
  const lines: PricedLine[] = [
    {
      label: 'Scheduler invocations',
      quantity: '1',
      dollars: PRICES.schedulerPerInvocation * million,
    },
    {
      label: 'SQS requests',
      quantity: String(sqsRequests),
      dollars: sqsRequests * PRICES.sqsPerRequest * million,
    },
    {
      label: 'Lambda requests (worker, alerts)',
      quantity: String(invocations),
      dollars: invocations * PRICES.lambdaPerRequest * million,
    },
    {
      label: `Lambda duration (${deployed.architecture}, ${deployed.memoryMb} MB; ${JOB_BODY_MS} ms worker, ${ALERTS_ASSUMED_MS} ms alerts assumed)`,
      quantity: `${gbSeconds.toFixed(4)} GB-s`,
      dollars: duration(deployed.architecture),
    },
    {
      label: 'DynamoDB write units (on-demand)',
      quantity: String(writeUnits),
      dollars: writeUnits * PRICES.dynamoDbPerWriteUnit * million,
    },
    {
      label: 'DynamoDB read units (on-demand)',
      quantity: String(reads),
      dollars: reads * PRICES.dynamoDbPerReadUnit * million,
    },
    {
      label: 'CloudWatch Logs ingestion',
      quantity: `${logBytes} B`,
      dollars: (logBytes / 2 ** 30) * PRICES.logsPerIngestedGb * million,
    },
  ];
  const total = sum(lines.map((line) => line.dollars));
  return {
    lines,
    total,
    totalOnOtherArchitecture: total - duration(deployed.architecture) + duration(other),
  };
}

function costTable(run: RunMeasurement, priced: PricedRuns): string {
  const { deployed } = run;
  const other = deployed.architecture === 'arm64' ? 'x86_64' : 'arm64';
  return [
    'What one successful scheduled run costs (test/integration/run-cost.test.ts)',
    `deployed: ${deployed.architecture}, ${deployed.memoryMb} MB, batch size ${deployed.batchSize}, tracing ${deployed.tracing}, log format ${deployed.logFormat}`,
    'requests:',
    ...Object.entries(run.requests).map(
      ([principal, counts]) => `  ${principal}: ${JSON.stringify(counts)}`,
    ),
    'write units:',
    ...run.workerWrites.map(
      (write, step) =>
        `  ${step === 0 ? 'claim' : 'outcome'}: ${JSON.stringify(summary(writeCost(write)))}`,
    ),
    `largest executions item: ${run.largestItemBytes} bytes`,
    'write units per run under other index designs:',
    ...Object.entries(writeUnitsUnderDesigns(run.workerWrites, deployed.executionsIndexes)).map(
      ([design, units]) => `  ${design}: ${units}`,
    ),
    `worker log (${run.workerLog.map(byteLength).join(' + ')} B): ${run.workerLog.join(' | ')}`,
    `Lambda platform records per invocation (modelled): ${platformRecordBytes(deployed.memoryMb)} B`,
    'one million runs, us-east-1 list prices, no free tier:',
    ...priced.lines.map(
      (line) => `  ${line.label}: ${line.quantity} per run → $${line.dollars.toFixed(2)}`,
    ),
    `  total: $${priced.total.toFixed(2)} (on ${other}: $${priced.totalOnOtherArchitecture.toFixed(2)})`,
  ].join('\n');
}
