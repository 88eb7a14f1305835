import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineJob } from '../../shared/job/define-job';
import { noop } from '../unit/job/definition-issues';

// As in a function's bundle, which bundleFunctions builds from job files synth has just checked.
vi.mock('../../shared/schedule/checked-at-synth', () => ({ schedulesCheckedAtSynth: true }));

describe('defineJob in a function, its schedules checked at synth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads a one-off job whose time has passed: the tick that starts its run comes at that time, or after it', () => {
    const job = defineJob({
      name: 'one-off',
      schedule: { at: '2026-06-01T11:59:00', timezone: 'Europe/Dublin' },
      run: noop,
    });

    expect(job.schedule).toMatchObject({ kind: 'at', timezone: 'Europe/Dublin' });
    expect(job.schedule?.nextFireTimes({ count: 1 })).toEqual([]);
  });

  it('parses the schedule when it is first read, and keeps what it parsed', () => {
    const job = defineJob({
      name: 'nightly',
      schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
      run: noop,
    });

    const first = job.schedule;

    expect(first).toMatchObject({ kind: 'cron', expression: 'cron(0 2 * * ? *)' });
    expect(job.schedule).toBe(first);
    expect(Object.keys(job)).toContain('schedule');
    expect(Object.isFrozen(job)).toBe(true);
  });

  it('does not parse the schedule as the file loads: a worker, which never reads it, starts without', () => {
    // Synth refuses this schedule; here it shows when parsing happens.
    const job = defineJob({ name: 'nightly', schedule: { cron: '0 2 * *' }, run: noop });

    expect(() => job.schedule).toThrow(/cron/);
  });

  it('leaves a job without a schedule with none', () => {
    const job = defineJob({ name: 'on-demand', run: noop });

    expect(job.schedule).toBeUndefined();
  });

  it('still checks every other option as the file loads', () => {
    expect(() =>
      defineJob({ name: 'nightly', schedule: { cron: '0 2 * * *' }, retries: -1, run: noop }),
    ).toThrow(/retries/);
  });
});
