import {
  ConflictException,
  CreateScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SchedulerOneOffScheduler } from '../../../shared/delivery/one-off-scheduler';
import type { QueueLocator } from '../../../shared/delivery/queue-locator';
import { parseRunMessage } from '../../../shared/delivery/run-message';
import { EnqueueError } from '../../../shared/errors';
import { runIdForKey } from '../../../shared/executor/run-id';
import type { RunRequest } from '../../../shared/executor/run-request';

const scheduler = mockClient(SchedulerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  scheduler.restore();
});

afterEach(() => {
  scheduler.reset();
});

const GROUP = 'jobs_runs';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/jobs_scheduler';
const DEAD_LETTER_ARN = 'arn:aws:sqs:eu-west-1:123456789012:jobs_scheduler-dlq';
const RUN_ID = '01JZ3K8Q9V6T2M4N5P7R8S9T0V';

const queues: QueueLocator = {
  queueFor: (jobName) => ({
    url: `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_${jobName}`,
    arn: `arn:aws:sqs:eu-west-1:123456789012:jobs_${jobName}`,
  }),
  deadLetterQueueFor: (jobName) => ({
    url: `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_${jobName}_dlq`,
    arn: `arn:aws:sqs:eu-west-1:123456789012:jobs_${jobName}_dlq`,
  }),
};

const request: RunRequest = {
  jobName: 'send-reminder',
  input: { userId: 'u-7' },
  trigger: 'enqueue',
  runId: RUN_ID,
  triggeredBy: 'job:sign-up',
};

/** What the SDK gives a Scheduler error: the message under both of its names. */
function details(message: string) {
  return { message, Message: message, $metadata: {} };
}

function createScheduler() {
  return new SchedulerOneOffScheduler({
    schedulerClient: new SchedulerClient({ region: 'eu-west-1' }),
    groupName: GROUP,
    roleArn: ROLE_ARN,
    deadLetterArn: DEAD_LETTER_ARN,
    queues,
  });
}

function createdInput() {
  return scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
}

describe('SchedulerOneOffScheduler schedule', () => {
  it("creates a one-time schedule that sends the run message to the job's queue, and what it cannot send to the Scheduler dead-letter queue", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createScheduler().schedule({ request, at: new Date('2026-06-01T10:30:00.000Z') });

    expect(createdInput()).toEqual({
      Name: `run-${RUN_ID}`,
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-06-01T10:30:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs_send-reminder',
        RoleArn: ROLE_ARN,
        Input: expect.any(String),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs_scheduler-dlq' },
      },
    });
  });

  it('sends a message that parses back to the request', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createScheduler().schedule({ request, at: new Date('2026-06-01T10:30:00.000Z') });

    expect(parseRunMessage(createdInput()?.Target?.Input)).toEqual({
      ok: true,
      message: {
        job: 'send-reminder',
        input: { userId: 'u-7' },
        trigger: 'enqueue',
        runId: RUN_ID,
        triggeredBy: 'job:sign-up',
      },
    });
  });

  it('rounds a time between seconds up to the next second', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createScheduler().schedule({ request, at: new Date('2026-06-01T23:59:59.001Z') });

    expect(createdInput()?.ScheduleExpression).toBe('at(2026-06-02T00:00:00)');
  });

  it('writes the time in UTC whatever offset it was given with', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createScheduler().schedule({ request, at: new Date('2026-06-01T12:30:00+02:00') });

    expect(createdInput()?.ScheduleExpression).toBe('at(2026-06-01T10:30:00)');
  });

  it('returns the name of the schedule it created', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    const result = await createScheduler().schedule({ request, at: new Date('2026-06-01T10:30Z') });

    expect(result).toEqual({ scheduleName: `run-${RUN_ID}` });
  });
});

describe('SchedulerOneOffScheduler names', () => {
  it("names a keyed request's schedule after the run id its key gives", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const { runId: _, ...keyed } = { ...request, idempotencyKey: 'reminder:u-7' };

    await createScheduler().schedule({ request: keyed, at: new Date('2026-06-01T10:30Z') });

    expect(createdInput()?.Name).toBe(`run-${runIdForKey('send-reminder', 'reminder:u-7')}`);
  });

  it('names a schedule for a request without a run id or key with 26 random characters', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const { runId: _, ...anonymous } = request;

    await createScheduler().schedule({ request: anonymous, at: new Date('2026-06-01T10:30Z') });

    expect(createdInput()?.Name).toMatch(/^run-[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('names the schedule after a digest of a run id that Scheduler would not accept', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const odd = { ...request, runId: `order/${'x'.repeat(80)}` };

    await createScheduler().schedule({ request: odd, at: new Date('2026-06-01T10:30Z') });

    expect(createdInput()?.Name).toMatch(/^run-[0-9a-f]{32}$/);
  });
});

describe('SchedulerOneOffScheduler errors', () => {
  it('treats an existing schedule of the same name as this run, already scheduled', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException(details('Schedule already exists')));

    const result = await createScheduler().schedule({ request, at: new Date('2026-06-01T10:30Z') });

    expect(result).toEqual({ scheduleName: `run-${RUN_ID}` });
  });

  it('explains a missing schedule group and asks to deploy', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ResourceNotFoundException(details('Group not found')));

    const schedule = createScheduler().schedule({ request, at: new Date('2026-06-01T10:30Z') });

    await expect(schedule).rejects.toThrow(EnqueueError);
    await expect(schedule).rejects.toThrow(/schedule group "jobs_runs" does not exist\. Deploy/);
  });

  it('rethrows other Scheduler errors as they are', async () => {
    const throttled = new ThrottlingException(details('Rate exceeded'));
    scheduler.on(CreateScheduleCommand).rejects(throttled);

    const schedule = createScheduler().schedule({ request, at: new Date('2026-06-01T10:30Z') });

    await expect(schedule).rejects.toBe(throttled);
  });
});
