import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// The functions' bundles define JOBS_SCHEDULES_CHECKED_AT_SYNTH (infra/bundling.ts); an
// undeclared identifier reads the global object, so a global stands in for esbuild's define.
async function scheduleModule(checkedAtSynth: boolean) {
  vi.resetModules();
  if (checkedAtSynth) vi.stubGlobal('JOBS_SCHEDULES_CHECKED_AT_SYNTH', true);
  return import('../../../shared/schedule/schedule-expression');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

// Unit files share a worker: later files must not get the modules read with the global set.
afterAll(() => {
  vi.resetModules();
});

describe('schedules in the functions’ bundles, checked at synth', () => {
  it('fire at the same times as schedules checked as they are parsed, across a clock change', async () => {
    const checkedNow = (await scheduleModule(false)).ScheduleExpression;
    const checkedAtSynth = (await scheduleModule(true)).ScheduleExpression;
    // 01:30 London daily, over the night the clocks go forward (2027-03-28, 01:00 to 02:00):
    // that day has no 01:30, and Scheduler skips it.
    const options = { count: 4, after: new Date('2027-03-26T12:00:00Z') };

    const expected = checkedNow.cron('30 1 * * *', 'Europe/London').nextFireTimes(options);
    const bundled = checkedAtSynth.cron('30 1 * * *', 'Europe/London').nextFireTimes(options);

    expect(bundled.map((time) => time.toISOString())).toEqual([
      '2027-03-27T01:30:00.000Z',
      '2027-03-29T00:30:00.000Z',
      '2027-03-30T00:30:00.000Z',
      '2027-03-31T00:30:00.000Z',
    ]);
    expect(bundled).toEqual(expected);
  });

  it('still reject a cron expression Scheduler would refuse: only the zone list and the evaluator wait', async () => {
    const { ScheduleExpression } = await scheduleModule(true);

    expect(() => ScheduleExpression.cron('0 7 * *', 'Europe/London')).toThrow(
      /Unix cron takes 5 fields/,
    );
  });

  it('outside a bundle, reject an unknown time zone as the job file loads', async () => {
    const { ScheduleExpression } = await scheduleModule(false);

    expect(() => ScheduleExpression.cron('0 7 * * *', 'Europe/Londn')).toThrow(
      /unknown time zone "Europe\/Londn"/,
    );
  });
});
