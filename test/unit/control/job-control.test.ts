import { describe, expect, it } from 'vitest';
import { JobControl } from '../../../shared/control/job-control';
import { UnknownJobError } from '../../../shared/errors';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import type { ScheduleControl } from '../../../shared/ports/schedule-control';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';

const nightly = defineJob({
  name: 'nightly',
  schedule: { cron: '0 2 * * *' },
  run: async () => JobResult.success(),
});
const onDemand = defineJob({ name: 'on-demand', run: async () => JobResult.success() });

function setup(scheduleControl?: ScheduleControl) {
  const jobStateStore = new InMemoryJobStateStore(() => Date.parse('2026-11-23T12:00:00Z'));
  const logger = new MemoryLogger();
  const control = new JobControl({
    jobs: JobRegistry.from([nightly, onDemand]),
    jobStateStore,
    ...(scheduleControl ? { scheduleControl } : {}),
    logger,
  });
  return { control, jobStateStore, logger };
}

function recordingScheduleControl(): ScheduleControl & { calls: [string, boolean][] } {
  const calls: [string, boolean][] = [];
  return {
    calls,
    setEnabled: async (jobName, enabled) => {
      calls.push([jobName, enabled]);
      return true;
    },
  };
}

describe('JobControl', () => {
  it('pauses a job in the job-state store and turns its schedule off', async () => {
    const schedules = recordingScheduleControl();
    const { control, jobStateStore } = setup(schedules);

    const result = await control.pause('nightly', 'alice');

    expect(result).toMatchObject({ jobName: 'nightly', paused: true, schedule: 'updated' });
    expect(await jobStateStore.get('nightly')).toMatchObject({ paused: true, pausedBy: 'alice' });
    expect(schedules.calls).toEqual([['nightly', false]]);
  });

  it('resumes a job and turns its schedule back on', async () => {
    const schedules = recordingScheduleControl();
    const { control, jobStateStore } = setup(schedules);
    await control.pause('nightly');

    const result = await control.resume('nightly');

    expect(result).toMatchObject({ paused: false, schedule: 'updated' });
    expect((await jobStateStore.get('nightly')).paused).toBe(false);
    expect(schedules.calls).toEqual([
      ['nightly', false],
      ['nightly', true],
    ]);
  });

  it('does not touch schedules for a job without one', async () => {
    const schedules = recordingScheduleControl();
    const { control } = setup(schedules);

    const result = await control.pause('on-demand');

    expect(result.schedule).toBe('none');
    expect(schedules.calls).toEqual([]);
  });

  it('keeps the pause when the schedule cannot be switched, and logs why', async () => {
    const { control, jobStateStore, logger } = setup({
      setEnabled: async () => {
        throw new Error('AccessDenied');
      },
    });

    const result = await control.pause('nightly');

    expect(result.schedule).toBe('failed');
    expect((await jobStateStore.get('nightly')).paused).toBe(true);
    expect(logger.entries.some((entry) => entry.level === 'warn')).toBe(true);
  });

  it('rejects an unknown job with a suggestion', async () => {
    const { control } = setup();

    await expect(control.pause('nightlly')).rejects.toThrow(UnknownJobError);
    await expect(control.pause('nightlly')).rejects.toThrow(/Did you mean "nightly"/);
  });
});
