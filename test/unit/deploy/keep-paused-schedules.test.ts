import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SchedulerScheduleControl } from '../../../shared/delivery/scheduler-schedule-control';
import {
  KEEP_PAUSED_PROPERTIES,
  keepPausedJobsProperty,
  keepPausedSchedules,
} from '../../../shared/deploy/keep-paused-schedules';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';

const scheduler = mockClient(SchedulerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  scheduler.restore();
});

afterEach(() => {
  scheduler.reset();
});

const GROUP = 'acme_schedules';

/** A schedule as Scheduler answers GetSchedule after a deploy wrote it. */
function deployed(jobName: string, state: 'ENABLED' | 'DISABLED'): GetScheduleOutputOf {
  return {
    Name: `acme_${jobName}`,
    GroupName: GROUP,
    State: state,
    ScheduleExpression: 'cron(0 7 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/London',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: `arn:aws:sqs:eu-west-1:123456789012:acme_${jobName}`,
      RoleArn: 'arn:aws:iam::123456789012:role/acme_scheduler',
      Input: JSON.stringify({ job: jobName, trigger: 'schedule' }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:acme_scheduler-dlq' },
    },
  };
}
type GetScheduleOutputOf = Omit<GetScheduleCommandOutput, '$metadata'>;

function stepFor(
  jobs: { name: string; paused: boolean; scheduled: boolean }[],
  store = new InMemoryJobStateStore(),
) {
  const logger = new MemoryLogger();
  const work = keepPausedSchedules(
    {
      jobStateStore: store,
      scheduleControl: new SchedulerScheduleControl({
        schedulerClient: new SchedulerClient({ region: 'eu-west-1' }),
        groupName: GROUP,
        scheduleNameFor: (jobName) => `acme_${jobName}`,
      }),
    },
    { logger },
  );
  const event = {
    RequestType: 'Update',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:acme_keep-paused',
      [KEEP_PAUSED_PROPERTIES.jobs]: keepPausedJobsProperty(jobs),
    },
  } as unknown as CloudFormationCustomResourceUpdateEvent;
  return { run: () => work(event), logger, store };
}

function updates() {
  return scheduler.commandCalls(UpdateScheduleCommand).map((call) => call.args[0].input);
}

describe('after a deploy rewrote the schedules', () => {
  it("switches a paused job's schedule off again, keeping the rest of its definition", async () => {
    const store = new InMemoryJobStateStore();
    await store.setPaused('daily-report', true, 'ops@example.com');
    scheduler.on(GetScheduleCommand).resolves(deployed('daily-report', 'ENABLED'));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });

    const data = await stepFor(
      [{ name: 'daily-report', paused: false, scheduled: true }],
      store,
    ).run();

    const { State: _state, ...definition } = deployed('daily-report', 'ENABLED');
    expect(updates()).toEqual([{ ...definition, State: 'DISABLED' }]);
    expect(data).toEqual({ Paused: 'daily-report', Failed: '0' });
  });

  it('switches a resumed job back on when its definition starts it paused', async () => {
    const store = new InMemoryJobStateStore();
    await store.setPaused('year-end', false, 'ops@example.com');
    scheduler.on(GetScheduleCommand).resolves(deployed('year-end', 'DISABLED'));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });

    await stepFor([{ name: 'year-end', paused: true, scheduled: true }], store).run();

    expect(updates()).toMatchObject([{ Name: 'acme_year-end', State: 'ENABLED' }]);
  });

  it('leaves a schedule alone that is already as its job wants it', async () => {
    scheduler.on(GetScheduleCommand).resolves(deployed('weekly', 'ENABLED'));

    await stepFor([{ name: 'weekly', paused: false, scheduled: true }]).run();

    expect(updates()).toEqual([]);
  });

  it("writes a job's initial pause, the first time it is deployed paused, and keeps it off", async () => {
    scheduler.on(GetScheduleCommand).resolves(deployed('legacy-sync', 'DISABLED'));
    const { run, store } = stepFor([{ name: 'legacy-sync', paused: true, scheduled: true }]);

    await run();

    expect(await store.get('legacy-sync')).toMatchObject({ paused: true });
    expect(updates()).toEqual([]);
  });

  it('does not touch Scheduler for a job without a schedule', async () => {
    await stepFor([{ name: 'on-demand', paused: false, scheduled: false }]).run();

    expect(scheduler.commandCalls(GetScheduleCommand)).toEqual([]);
  });

  it('does not fail the deploy for a schedule it cannot switch, and logs an error naming the job', async () => {
    const store = new InMemoryJobStateStore();
    await store.setPaused('daily-report', true);
    scheduler.on(GetScheduleCommand).resolves(deployed('daily-report', 'ENABLED'));
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { run, logger } = stepFor(
      [{ name: 'daily-report', paused: false, scheduled: true }],
      store,
    );

    const data = await run();

    expect(data.Failed).toBe('1');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toMatchObject([
      {
        attributes: {
          failed: [{ jobName: 'daily-report', error: 'ThrottlingException: Rate exceeded' }],
        },
      },
    ]);
  });

  it('fails, saying what it expected, when the stack hands it jobs it cannot read', async () => {
    const work = keepPausedSchedules({
      jobStateStore: new InMemoryJobStateStore(),
      scheduleControl: { setEnabled: async () => true },
    });

    const running = work({
      RequestType: 'Create',
      ResourceProperties: { ServiceToken: 'x', [KEEP_PAUSED_PROPERTIES.jobs]: '[{"name":1}]' },
    } as never);

    await expect(running).rejects.toThrow(/must be the JSON list of the stack's jobs/);
  });
});

describe('what would otherwise fail a deploy', () => {
  const event = (jobs: { name: string; paused: boolean; scheduled: boolean }[]) =>
    ({
      RequestType: 'Update',
      ResourceProperties: {
        ServiceToken: 'x',
        [KEEP_PAUSED_PROPERTIES.jobs]: keepPausedJobsProperty(jobs),
      },
    }) as never;

  // A custom resource that fails rolls its stack back, and the rollback sends it the old
  // properties, which would fail the same way: the stack would be stuck in UPDATE_ROLLBACK_FAILED.
  it('answers, logging an error, when the job-state table cannot be read', async () => {
    const logger = new MemoryLogger();
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const work = keepPausedSchedules(
      {
        jobStateStore: {
          get: async () => Promise.reject(denied),
          setInitialPauseState: async () => Promise.reject(denied),
        },
        scheduleControl: { setEnabled: async () => true },
      },
      { logger },
    );

    const data = await work(
      event([
        { name: 'legacy-sync', paused: true, scheduled: true },
        { name: 'hourly', paused: false, scheduled: true },
      ]),
    );

    expect(data).toEqual({ Paused: '', Failed: '3' });
    expect(logger.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);
  });

  it('answers, logging an error, when the function cannot even build what it needs', async () => {
    const logger = new MemoryLogger();
    const work = keepPausedSchedules(
      () => {
        throw new Error("The function's environment is incomplete: JOBS_APP_NAME is not set");
      },
      { logger },
    );

    const data = await work(event([{ name: 'hourly', paused: false, scheduled: true }]));

    expect(data).toEqual({ Paused: '', Failed: '1' });
    expect(logger.entries.find((entry) => entry.level === 'error')?.attributes).toMatchObject({
      error: expect.stringContaining('JOBS_APP_NAME is not set'),
      jobs: ['hourly'],
    });
  });

  it('answers in its time budget, reporting the schedules it had no time for', async () => {
    let clock = 0;
    const work = keepPausedSchedules(
      {
        jobStateStore: new InMemoryJobStateStore(),
        scheduleControl: {
          setEnabled: async () => {
            clock += 30_000;
            return true;
          },
        },
      },
      { timeBudgetMs: 60_000, now: () => clock },
    );
    const jobs = Array.from({ length: 12 }, (_, index) => ({
      name: `job-${index}`,
      paused: false,
      scheduled: true,
    }));

    const data = await work(event(jobs));

    // One batch of five, switched at once, used the budget (150 s on this clock); the other
    // seven were reported rather than switched.
    expect(data.Failed).toBe('7');
  });
});
