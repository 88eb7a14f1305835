import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { Execution } from '../../../shared/executor/execution';
import { createExecutor } from '../../../shared/executor/executor';
import { tickRunId } from '../../../shared/executor/schedule-tick';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { createMissedRunCheck, ticksBetween } from '../../../shared/sweep/missed-runs';

const MINUTE = 60_000;

function named(job: ReturnType<typeof defineJob>): AnyNamedJobDefinition {
  return job as AnyNamedJobDefinition;
}

const morningReport = named(
  defineJob({
    name: 'morning-report',
    schedule: { cron: '0 7 * * *', timezone: 'Europe/London' },
    retries: 2,
    run: async () => JobResult.success('sent'),
  }),
);

function setup(jobs: AnyNamedJobDefinition[], start: string) {
  const clock = new ManualClock(start);
  const store = new InMemoryExecutionStore();
  const jobState = new InMemoryJobStateStore(() => clock.now());
  const logger = new MemoryLogger();
  const reported: Execution[] = [];
  const reads: string[] = [];
  const marks = {
    readTickCheck: (jobName: string) => {
      reads.push(jobName);
      return jobState.readTickCheck(jobName);
    },
    markTicksChecked: jobState.markTicksChecked.bind(jobState),
  };
  let current = jobs;
  const check = createMissedRunCheck({
    jobs: () => current,
    recorder: store,
    marks,
    clock,
    logger,
    onMissed: async (missed) => void reported.push(missed),
  });
  const executor = () =>
    createExecutor({
      jobs: current,
      executionStore: store,
      jobStateStore: jobState,
      enqueuer: { enqueue: async () => {} },
      clock,
    });
  return {
    clock,
    store,
    jobState,
    logger,
    reported,
    reads,
    check,
    executor,
    deploy: (next: AnyNamedJobDefinition[]) => {
      current = next;
    },
  };
}

/** A tick delivered as Scheduler delivers it: `scheduledTime` in its own format. */
function tick(jobName: string, scheduledTime: string) {
  return { jobName, trigger: 'schedule' as const, scheduledTime, triggeredBy: 'scheduler' };
}

describe('the ticks a schedule should have fired', () => {
  // Europe/London springs forward at 01:00 on 29 March 2026: 01:30 never happens that day, and
  // Scheduler skips it (its documented rule for a time a daylight-saving change skips).
  it('skips a tick in an hour the clocks skip, as Scheduler does', () => {
    const nightly = named(
      defineJob({
        name: 'nightly',
        schedule: { cron: '30 1 * * *', timezone: 'Europe/London' },
        run: async () => JobResult.success(),
      }),
    );

    const ticks = ticksBetween(
      nightly,
      Date.parse('2026-03-27T12:00:00Z'),
      Date.parse('2026-03-30T12:00:00Z'),
    );

    expect(ticks.map((time) => time.toISOString())).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('has none for a rate, whose ticks count from when Scheduler made the schedule', () => {
    const every = named(
      defineJob({
        name: 'every',
        schedule: { rate: '5 minutes' },
        run: async () => JobResult.success(),
      }),
    );

    expect(ticksBetween(every, 0, Date.parse('2026-06-01T00:00:00Z'))).toEqual([]);
  });
});

describe('the missed-run check', () => {
  it('starts a job’s mark when it first sees it, reporting nothing from before', async () => {
    const { check, reported, jobState } = setup([morningReport], '2026-06-01T09:00:00.000Z');

    const report = await check.check();

    expect(report).toMatchObject({ checkedJobs: 1, ticks: 0, missed: 0 });
    expect(reported).toEqual([]);
    expect((await jobState.readTickCheck('morning-report')).mark).toEqual({
      // Not before: a tick before the check first saw the schedule may predate its deploy.
      checkedUntil: '2026-06-01T09:00:00.000Z',
      schedule: 'cron(0 7 * * ? *) Europe/London',
    });
  });

  it('records a tick that started no run as missed once its tolerance passed, and tells of it', async () => {
    const { check, clock, store, reported } = setup([morningReport], '2026-06-01T05:00:00.000Z');
    await check.check();

    // 07:00 in London is 06:00 UTC in June; within the tolerance it is not missed yet.
    clock.set('2026-06-01T06:05:00.000Z');
    const early = await check.check();
    clock.set('2026-06-01T06:11:00.000Z');
    const late = await check.check();

    expect(early.missed).toBe(0);
    expect(late).toMatchObject({ ticks: 1, missed: 1 });
    const runId = tickRunId('morning-report', '2026-06-01T06:00:00Z');
    const [missed] = await store.getRun('morning-report', runId);
    expect(missed).toMatchObject({
      status: 'missed',
      trigger: 'schedule',
      scheduledTime: '2026-06-01T06:00:00Z',
      attempt: 1,
      maxAttempts: 3,
      willRetry: false,
      completedAt: '2026-06-01T06:11:00.000Z',
    });
    expect(missed?.message).toContain('1 Jun 2026, 07:00 Europe/London');
    expect(reported).toEqual([missed]);
  });

  it('reports nothing for a tick that ran, whatever form its time was delivered in', async () => {
    const { check, clock, executor, reported } = setup([morningReport], '2026-06-01T05:00:00.000Z');
    await check.check();
    clock.set('2026-06-01T06:00:30.000Z');
    // The local scheduler writes milliseconds; Scheduler does not. Both are the same tick.
    await executor().execute(tick('morning-report', '2026-06-01T06:00:00.000Z'));

    clock.set('2026-06-01T06:30:00.000Z');
    const report = await check.check();

    expect(report).toMatchObject({ ticks: 1, missed: 0 });
    expect(reported).toEqual([]);
  });

  it('runs a tick that comes after it was reported missed, in place of the report', async () => {
    const { check, clock, store, executor } = setup([morningReport], '2026-06-01T05:00:00.000Z');
    await check.check();
    clock.set('2026-06-01T06:20:00.000Z');
    await check.check();

    const late = await executor().execute(tick('morning-report', '2026-06-01T06:00:00Z'));

    expect(late.status).toBe('succeeded');
    const runId = tickRunId('morning-report', '2026-06-01T06:00:00Z');
    expect((await store.getRun('morning-report', runId)).map((attempt) => attempt.status)).toEqual([
      'succeeded',
    ]);
  });

  it('expects no tick while the job is paused, nor before it was resumed in the same window', async () => {
    const { check, clock, jobState, reported } = setup([morningReport], '2026-06-01T05:00:00.000Z');
    await check.check();
    await jobState.setPaused('morning-report', true, 'alice');

    clock.set('2026-06-03T05:00:00.000Z');
    const whilePaused = await check.check();
    await jobState.setPaused('morning-report', false);
    clock.set('2026-06-04T05:00:00.000Z');
    const afterResume = await check.check();

    expect(whilePaused.missed).toBe(0);
    // 3 June 06:00 UTC came after the resume and started no run.
    expect(afterResume.missed).toBe(1);
    expect(reported.map((missed) => missed.scheduledTime)).toEqual(['2026-06-03T06:00:00Z']);
  });

  it('starts over when a deploy changes the schedule, rather than judging old ticks by the new one', async () => {
    const { check, clock, deploy, reported } = setup([morningReport], '2026-06-01T05:00:00.000Z');
    await check.check();
    clock.set('2026-06-01T09:00:00.000Z');
    deploy([
      named(
        defineJob({
          name: 'morning-report',
          schedule: { cron: '0 * * * *', timezone: 'Europe/London' },
          run: async () => JobResult.success(),
        }),
      ),
    ]);

    const report = await check.check();

    expect(report.missed).toBe(0);
    expect(reported).toEqual([]);
  });

  it('checks no tick from before the local runtime started: nothing could run while it was stopped', async () => {
    const clock = new ManualClock('2026-06-01T05:00:00.000Z');
    const store = new InMemoryExecutionStore();
    const jobState = new InMemoryJobStateStore(() => clock.now());
    const first = createMissedRunCheck({
      jobs: () => [morningReport],
      recorder: store,
      marks: jobState,
      clock,
    });
    await first.check();
    clock.set('2026-06-03T05:00:00.000Z');
    const restarted = createMissedRunCheck({
      jobs: () => [morningReport],
      recorder: store,
      marks: jobState,
      clock,
      notBefore: clock.now(),
    });

    const report = await restarted.check();
    clock.set('2026-06-03T06:30:00.000Z');
    const later = await restarted.check();

    expect(report.missed).toBe(0);
    expect(later.missed).toBe(1);
  });

  it('reads nothing for a job whose next tick is not due yet', async () => {
    const { check, clock, reads } = setup([morningReport], '2026-06-01T07:00:00.000Z');
    await check.check();

    clock.advance(30 * MINUTE);
    await check.check();
    clock.advance(30 * MINUTE);
    await check.check();

    expect(reads).toEqual(['morning-report']);
  });

  it('takes up a check cut short by its deadline at the tick it stopped at', async () => {
    const everyMinute = named(
      defineJob({
        name: 'every-minute',
        schedule: { cron: '* * * * *' },
        run: async () => JobResult.success(),
      }),
    );
    const clock = new ManualClock('2026-06-01T09:00:00.000Z');
    const store = new InMemoryExecutionStore();
    const jobState = new InMemoryJobStateStore(() => clock.now());
    const recorded: string[] = [];
    // Each write takes a second, so that the deadline falls in the middle of the job's ticks.
    const recorder = {
      recordMissed: async (missed: Execution) => {
        clock.advance(1000);
        recorded.push(missed.scheduledTime ?? '');
        return store.recordMissed(missed);
      },
    };
    const check = createMissedRunCheck({
      jobs: () => [everyMinute],
      recorder,
      marks: jobState,
      clock,
    });
    await check.check();
    clock.advance(15 * MINUTE);

    const cut = await check.check({ deadline: clock.now() + 1500 });
    const rest = await check.check();

    expect(cut).toMatchObject({ ticks: 2, missed: 2, complete: false });
    expect(rest).toMatchObject({ ticks: 3, missed: 3, complete: true });
    // 09:01 to 09:05 (09:15 less the tolerance), each once, in order.
    expect(recorded).toHaveLength(5);
    expect(new Set(recorded).size).toBe(5);
    expect(recorded[0]).toBe('2026-06-01T09:01:00Z');
    expect(recorded.at(-1)).toBe('2026-06-01T09:05:00Z');
  });
});
