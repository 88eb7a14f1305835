import {
  GetScheduleCommand,
  type GetScheduleOutput,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SchedulerScheduleControl } from '../../../shared/delivery/scheduler-schedule-control';

const scheduler = mockClient(SchedulerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  scheduler.restore();
});

afterEach(() => {
  scheduler.reset();
});

const GROUP = 'jobs-schedules';
/** What the SDK gives a Scheduler error: the message under both of its names. */
function details(message: string) {
  return { message, Message: message, $metadata: {} };
}

function createControl() {
  return new SchedulerScheduleControl({
    schedulerClient: new SchedulerClient({ region: 'eu-west-1' }),
    groupName: GROUP,
    scheduleNameFor: (jobName) => `jobs-${jobName}`,
  });
}

/** A schedule as GetSchedule returns it, with every field set. */
function scheduleWith(state: 'ENABLED' | 'DISABLED'): GetScheduleOutput {
  return {
    Arn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/jobs-schedules/jobs-nightly-report',
    Name: 'jobs-nightly-report',
    GroupName: GROUP,
    State: state,
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Paris',
    StartDate: new Date('2026-01-01T00:00:00Z'),
    EndDate: new Date('2027-01-01T00:00:00Z'),
    Description: 'nightly-report: every night at 02:00',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
    Target: {
      Arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs-nightly-report',
      RoleArn: 'arn:aws:iam::123456789012:role/jobs-scheduler',
      Input: '{"job":"nightly-report","trigger":"schedule"}',
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs-schedule-dlq' },
    },
    KmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
    ActionAfterCompletion: 'NONE',
    CreationDate: new Date('2025-12-01T00:00:00Z'),
    LastModificationDate: new Date('2025-12-02T00:00:00Z'),
  };
}

function updatedInput() {
  return scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
}

describe('SchedulerScheduleControl.setEnabled', () => {
  it("reads the job's schedule by its name in the group", async () => {
    scheduler.on(GetScheduleCommand).resolves(scheduleWith('ENABLED'));

    await createControl().setEnabled('nightly-report', true);

    expect(scheduler.commandCalls(GetScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'jobs-nightly-report',
      GroupName: GROUP,
    });
  });

  it('disables a schedule, copying every writable field and changing only the state', async () => {
    scheduler.on(GetScheduleCommand).resolves(scheduleWith('ENABLED'));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createControl().setEnabled('nightly-report', false);

    expect(updatedInput()).toEqual({
      Name: 'jobs-nightly-report',
      GroupName: GROUP,
      State: 'DISABLED',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartDate: new Date('2026-01-01T00:00:00Z'),
      EndDate: new Date('2027-01-01T00:00:00Z'),
      Description: 'nightly-report: every night at 02:00',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
      Target: scheduleWith('ENABLED').Target,
      KmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      ActionAfterCompletion: 'NONE',
    });
  });

  it('enables a disabled schedule', async () => {
    scheduler.on(GetScheduleCommand).resolves(scheduleWith('DISABLED'));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    const changed = await createControl().setEnabled('nightly-report', true);

    expect(changed).toBe(true);
    expect(updatedInput()?.State).toBe('ENABLED');
  });

  it('leaves out the fields a schedule does not have rather than sending them empty', async () => {
    const { StartDate, EndDate, Description, KmsKeyArn, ...minimal } = scheduleWith('ENABLED');
    scheduler.on(GetScheduleCommand).resolves(minimal);
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await createControl().setEnabled('nightly-report', false);

    expect(Object.keys(updatedInput() ?? {}).sort()).toEqual([
      'ActionAfterCompletion',
      'FlexibleTimeWindow',
      'GroupName',
      'Name',
      'ScheduleExpression',
      'ScheduleExpressionTimezone',
      'State',
      'Target',
    ]);
  });

  it('does not update a schedule that is already in the asked state', async () => {
    scheduler.on(GetScheduleCommand).resolves(scheduleWith('DISABLED'));

    const result = await createControl().setEnabled('nightly-report', false);

    expect(result).toBe(true);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('resolves to false for a job without a schedule', async () => {
    scheduler
      .on(GetScheduleCommand)
      .rejects(new ResourceNotFoundException(details('Schedule not found')));

    const result = await createControl().setEnabled('on-demand-export', false);

    expect(result).toBe(false);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('rethrows other errors from reading the schedule', async () => {
    const throttled = new ThrottlingException(details('Rate exceeded'));
    scheduler.on(GetScheduleCommand).rejects(throttled);

    const setEnabled = createControl().setEnabled('nightly-report', false);

    await expect(setEnabled).rejects.toBe(throttled);
  });

  it('rethrows errors from the update', async () => {
    const throttled = new ThrottlingException(details('Rate exceeded'));
    scheduler.on(GetScheduleCommand).resolves(scheduleWith('ENABLED'));
    scheduler.on(UpdateScheduleCommand).rejects(throttled);

    const setEnabled = createControl().setEnabled('nightly-report', false);

    await expect(setEnabled).rejects.toBe(throttled);
  });
});
