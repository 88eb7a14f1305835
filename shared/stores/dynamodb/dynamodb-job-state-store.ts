import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../clock/system-clock';
import type { Clock } from '../../ports/clock';
import type {
  JobState,
  JobStateStore,
  OverlapLock,
  StoredJobState,
} from '../../ports/job-state-store';
import type { TickCheckMark, TickCheckMarks, TickCheckState } from '../../ports/missed-runs';
import { JOB_STATE_TABLE } from '../../tables/table-definitions';
import { type DynamoDbClientOption, documentClientFor } from './document-client';
import { retryWrite, type WriteRetryPolicy } from './retry-writes';
import { isConditionalCheckFailed, translateStoreError } from './store-errors';

/** How a `DynamoDbJobStateStore` reaches its table. */
export type DynamoDbJobStateStoreOptions = DynamoDbClientOption & {
  /** The deployed job-state table (see `JOB_STATE_TABLE`). */
  readonly tableName: string;
  /** Stamps `pausedAt`. @default systemClock */
  readonly clock?: Clock;
  /** How writes ride out throttling. @default - 5 tries with exponential backoff */
  readonly writeRetry?: WriteRetryPolicy;
};

const KEY = JOB_STATE_TABLE.partitionKey.name;

// The item's other attributes. Expressions name them through #placeholders (`names`), so that none
// can clash with a DynamoDB reserved word.
const ATTRIBUTES = {
  paused: 'paused',
  pausedAt: 'pausedAt',
  pausedBy: 'pausedBy',
  lockRunId: 'lockRunId',
  lockExpiresAt: 'lockExpiresAt',
  resumedAt: 'resumedAt',
  ticksCheckedUntil: 'ticksCheckedUntil',
  ticksCheckedSchedule: 'ticksCheckedSchedule',
} as const;

/**
 * Pause state, the overlap lock and the missed-run check's mark in DynamoDB, one item per job. The item outlives deploys, so
 * a paused job stays paused when its code changes.
 */
export class DynamoDbJobStateStore implements JobStateStore, TickCheckMarks {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;
  private readonly writeRetry: WriteRetryPolicy;

  constructor(options: DynamoDbJobStateStoreOptions) {
    this.documents = documentClientFor(options);
    this.tableName = options.tableName;
    this.clock = options.clock ?? systemClock;
    this.writeRetry = options.writeRetry ?? {};
  }

  /** The job's state; `paused` is undefined for a job whose pause state was never written. */
  async get(jobName: string): Promise<StoredJobState> {
    try {
      const { Item } = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [KEY]: jobName },
          ConsistentRead: true,
        }),
      );
      return storedJobStateOf(Item);
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  /** Pauses or resumes the job and returns its new state; `by` says who, when pausing. */
  async setPaused(jobName: string, paused: boolean, by?: string): Promise<JobState> {
    const pausedAt = new Date(this.clock.now()).toISOString();
    const update: Omit<UpdateCommandInput, 'TableName' | 'Key'> = !paused
      ? {
          // When it was resumed, for the missed-run check: its ticks before then were not due.
          UpdateExpression: 'SET #paused = :paused, #resumedAt = :now REMOVE #pausedAt, #pausedBy',
          ExpressionAttributeNames: names('paused', 'resumedAt', 'pausedAt', 'pausedBy'),
          ExpressionAttributeValues: { ':paused': false, ':now': pausedAt },
        }
      : by
        ? {
            UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt, #pausedBy = :pausedBy',
            ExpressionAttributeNames: names('paused', 'pausedAt', 'pausedBy'),
            ExpressionAttributeValues: { ':paused': true, ':pausedAt': pausedAt, ':pausedBy': by },
          }
        : {
            // A pause without a name must not keep the name of whoever paused the job before.
            UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt REMOVE #pausedBy',
            ExpressionAttributeNames: names('paused', 'pausedAt', 'pausedBy'),
            ExpressionAttributeValues: { ':paused': true, ':pausedAt': pausedAt },
          };
    const { Attributes } = await this.update(`${paused ? 'pause' : 'resume'} job "${jobName}"`, {
      ...update,
      Key: { [KEY]: jobName },
      ReturnValues: 'ALL_NEW',
    });
    return jobStateOf(Attributes);
  }

  /**
   * Writes the pause state only if the item has none: the item may exist for the overlap lock
   * alone, so the condition is on the attribute, not the item.
   */
  async setInitialPauseState(jobName: string, paused: boolean, by?: string): Promise<boolean> {
    const pausedAt = new Date(this.clock.now()).toISOString();
    const update: Omit<UpdateCommandInput, 'TableName' | 'Key'> =
      paused && by
        ? {
            UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt, #pausedBy = :pausedBy',
            ExpressionAttributeNames: names('paused', 'pausedAt', 'pausedBy'),
            ExpressionAttributeValues: { ':paused': true, ':pausedAt': pausedAt, ':pausedBy': by },
          }
        : paused
          ? {
              UpdateExpression: 'SET #paused = :paused, #pausedAt = :pausedAt',
              ExpressionAttributeNames: names('paused', 'pausedAt'),
              ExpressionAttributeValues: { ':paused': true, ':pausedAt': pausedAt },
            }
          : {
              UpdateExpression: 'SET #paused = :paused',
              ExpressionAttributeNames: names('paused'),
              ExpressionAttributeValues: { ':paused': false },
            };
    try {
      await this.update(`set the initial pause state of job "${jobName}"`, {
        ...update,
        Key: { [KEY]: jobName },
        ConditionExpression: 'attribute_not_exists(#paused)',
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Takes the lock unless another run holds an unexpired one. The holder's own `runId` passes
   * the condition too, so a retried write whose first try landed still reports the lock as taken.
   */
  async acquireOverlapLock(jobName: string, lock: OverlapLock, now: number): Promise<boolean> {
    try {
      await this.update(`acquire the overlap lock of "${jobName}"`, {
        Key: { [KEY]: jobName },
        UpdateExpression: 'SET #lockRunId = :runId, #lockExpiresAt = :expiresAt',
        ConditionExpression:
          'attribute_not_exists(#lockRunId) OR #lockExpiresAt <= :now OR #lockRunId = :runId',
        ExpressionAttributeNames: names('lockRunId', 'lockExpiresAt'),
        ExpressionAttributeValues: {
          ':runId': lock.runId,
          ':expiresAt': lock.expiresAt,
          ':now': now,
        },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Releases the lock if `runId` holds it; a lock since taken over by another run is left alone. */
  async releaseOverlapLock(jobName: string, runId: string): Promise<void> {
    try {
      await this.update(`release the overlap lock of "${jobName}"`, {
        Key: { [KEY]: jobName },
        UpdateExpression: 'REMOVE #lockRunId, #lockExpiresAt',
        ConditionExpression: '#lockRunId = :runId',
        ExpressionAttributeNames: names('lockRunId', 'lockExpiresAt'),
        ExpressionAttributeValues: { ':runId': runId },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Eventually consistent: a mark read stale only makes the check look at a tick again. */
  async readTickCheck(jobName: string): Promise<TickCheckState> {
    try {
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { [KEY]: jobName } }),
      );
      const stored = storedJobStateOf(Item);
      const resumedAt = Item?.[ATTRIBUTES.resumedAt];
      const checkedUntil = Item?.[ATTRIBUTES.ticksCheckedUntil];
      const schedule = Item?.[ATTRIBUTES.ticksCheckedSchedule];
      return {
        ...stored,
        ...(typeof resumedAt === 'string' ? { resumedAt } : {}),
        ...(typeof checkedUntil === 'string' && typeof schedule === 'string'
          ? { mark: { checkedUntil, schedule } }
          : {}),
      };
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }

  async markTicksChecked(jobName: string, mark: TickCheckMark): Promise<void> {
    await this.update(`mark the ticks of "${jobName}" checked`, {
      Key: { [KEY]: jobName },
      UpdateExpression: 'SET #ticksCheckedUntil = :until, #ticksCheckedSchedule = :schedule',
      ExpressionAttributeNames: names('ticksCheckedUntil', 'ticksCheckedSchedule'),
      ExpressionAttributeValues: { ':until': mark.checkedUntil, ':schedule': mark.schedule },
    });
  }

  private async update(description: string, input: Omit<UpdateCommandInput, 'TableName'>) {
    try {
      return await retryWrite(
        description,
        () => this.documents.send(new UpdateCommand({ ...input, TableName: this.tableName })),
        this.writeRetry,
      );
    } catch (error) {
      throw translateStoreError(error, this.tableName);
    }
  }
}

/** The #placeholders for `attributes`: exactly those an expression uses, as DynamoDB requires. */
function names(...attributes: (keyof typeof ATTRIBUTES)[]): Record<string, string> {
  return Object.fromEntries(
    attributes.map((attribute) => [`#${attribute}`, ATTRIBUTES[attribute]]),
  );
}

function storedJobStateOf(item: Record<string, unknown> | undefined): StoredJobState {
  return typeof item?.[ATTRIBUTES.paused] === 'boolean' ? jobStateOf(item) : {};
}

function jobStateOf(item: Record<string, unknown> | undefined): JobState {
  if (item?.[ATTRIBUTES.paused] !== true) return { paused: false };
  const pausedAt = item[ATTRIBUTES.pausedAt];
  const pausedBy = item[ATTRIBUTES.pausedBy];
  return {
    paused: true,
    ...(typeof pausedAt === 'string' ? { pausedAt } : {}),
    ...(typeof pausedBy === 'string' ? { pausedBy } : {}),
  };
}
