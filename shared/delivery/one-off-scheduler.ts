import { createHash } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { EnqueueError } from '../errors';
import { newRunId, runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import type { QueueLocator } from './queue-locator';
import { runMessageBody } from './run-message';
import { SCHEDULE_DELIVERY_RETRY } from './schedule-delivery';

/** A run to be sent to its job's queue at a set time. */
export interface OneOffRun {
  readonly request: RunRequest;
  readonly at: Date;
}

/**
 * Sends a run to its job's queue later than SQS can delay a message (15 minutes). Deployed, an
 * EventBridge Scheduler one-time schedule does it.
 */
export interface OneOffScheduler {
  schedule(run: OneOffRun): Promise<{ readonly scheduleName: string }>;
}

export interface SchedulerOneOffSchedulerOptions {
  readonly schedulerClient: SchedulerClient;
  /** The schedule group the one-time schedules are created in. */
  readonly groupName: string;
  /** The role Scheduler assumes to send to the queues (`sqs:SendMessage`). */
  readonly roleArn: string;
  /** Where Scheduler puts a run it could not send: the app's Scheduler dead-letter queue. */
  readonly deadLetterArn: string;
  /** Where each job's queue is: the schedule's target. */
  readonly queues: QueueLocator;
}

const SCHEDULE_NAME_PREFIX = 'run-';
const SCHEDULE_NAME_MAX_LENGTH = 64;
const SCHEDULE_NAME_PATTERN = /^[0-9a-zA-Z\-_.]+$/;

/**
 * Creates an EventBridge Scheduler one-time schedule per run, which sends the run message to the
 * job's queue at the requested time (to the next whole second) and then deletes itself.
 */
export class SchedulerOneOffScheduler implements OneOffScheduler {
  private readonly options: SchedulerOneOffSchedulerOptions;

  constructor(options: SchedulerOneOffSchedulerOptions) {
    this.options = options;
  }

  async schedule(run: OneOffRun): Promise<{ scheduleName: string }> {
    const { request, at } = run;
    if (Number.isNaN(at.getTime())) {
      throw new EnqueueError(
        `Cannot schedule a run of job "${request.jobName}" at an invalid date`,
      );
    }
    const scheduleName = scheduleNameFor(request);
    const queue = this.options.queues.queueFor(request.jobName);
    try {
      await this.options.schedulerClient.send(
        new CreateScheduleCommand({
          Name: scheduleName,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: queue.arn,
            RoleArn: this.options.roleArn,
            Input: runMessageBody(request),
            RetryPolicy: {
              MaximumRetryAttempts: SCHEDULE_DELIVERY_RETRY.maximumRetryAttempts,
              MaximumEventAgeInSeconds: SCHEDULE_DELIVERY_RETRY.maximumEventAgeInSeconds,
            },
            DeadLetterConfig: { Arn: this.options.deadLetterArn },
          },
        }),
      );
    } catch (error) {
      // The name comes from the run id, so a schedule that exists is this same run, created by
      // an earlier attempt of this enqueue.
      if (errorName(error) === 'ConflictException') return { scheduleName };
      if (errorName(error) === 'ResourceNotFoundException') {
        throw new EnqueueError(
          `Cannot schedule a run of job "${request.jobName}": schedule group "${this.options.groupName}" does not exist. Deploy the app (npx cdk deploy), or check the schedule group in the function's environment.`,
          { cause: error },
        );
      }
      throw error;
    }
    return { scheduleName };
  }
}

/**
 * `at(...)` in UTC to the second, rounded up so that the run never starts before it was asked
 * to.
 */
function atExpression(at: Date): string {
  const wholeSecond = Math.ceil(at.getTime() / 1000) * 1000;
  return `at(${new Date(wholeSecond).toISOString().slice(0, 19)})`;
}

function scheduleNameFor(request: RunRequest): string {
  // The executor gives a keyed request the run id of its key, so naming the schedule after that
  // id makes a retried enqueue of the same key find its schedule rather than make a second one.
  const runId =
    request.runId ??
    (request.idempotencyKey !== undefined
      ? runIdForKey(request.jobName, request.idempotencyKey)
      : newRunId(Date.now()));
  const name = `${SCHEDULE_NAME_PREFIX}${runId}`;
  if (name.length <= SCHEDULE_NAME_MAX_LENGTH && SCHEDULE_NAME_PATTERN.test(name)) return name;
  // A run id chosen by hand may not fit Scheduler's names; a digest keeps one name per run.
  return `${SCHEDULE_NAME_PREFIX}${createHash('sha256').update(runId).digest('hex').slice(0, 32)}`;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
