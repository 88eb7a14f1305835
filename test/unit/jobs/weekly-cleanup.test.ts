import { describe, expect, it } from 'vitest';
import weeklyCleanup from '../../../functions/jobs/weekly-cleanup.job';
import { createSampleExportStore } from '../../../functions/lib/export-store';
import { createTestInvoker } from '../../../shared/testing/index';

const DAY = 24 * 60 * 60 * 1000;

describe('weekly-cleanup', () => {
  it('runs on Sundays at 03:00 UTC, one run at a time, on the batch queue', () => {
    expect(weeklyCleanup.schedule?.expression).toBe('cron(0 3 ? * SUN *)');
    expect(weeklyCleanup.overlap).toBe('skip');
    expect(weeklyCleanup.queue).toBe('batch');
  });

  it('deletes exports older than 30 days before the tick, in batches', async () => {
    const tick = new Date('2026-11-22T03:00:00Z');
    const old = Array.from(
      { length: 1203 },
      (_, index) => new Date(tick.getTime() - (31 + (index % 9)) * DAY),
    );
    const recent = Array.from({ length: 10 }, () => new Date(tick.getTime() - 2 * DAY));
    const invoker = createTestInvoker({
      jobs: [weeklyCleanup],
      deps: { 'weekly-cleanup': { exports: createSampleExportStore([...old, ...recent]) } },
    });

    const execution = await invoker.run('weekly-cleanup', undefined, {
      trigger: 'schedule',
      scheduledTime: tick,
    });

    expect(execution).toMatchObject({
      status: 'succeeded',
      message: 'Deleted 1203 expired exports',
      metadata: { deleted: 1203 },
    });
  });
});
