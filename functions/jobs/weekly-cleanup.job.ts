import { defineJob, JobResult } from '#shared';
import { createSampleExportStore } from '../lib/export-store';

const RETENTION_DAYS = 30;
const BATCH_SIZE = 500;

/** Deletes expired export files every Sunday at 03:00 UTC, in batches, stopping when time is up. */
export default defineJob({
  displayName: 'Weekly cleanup',
  description: `Deletes export files older than ${RETENTION_DAYS} days, every Sunday at 03:00 UTC.`,
  schedule: { cron: 'cron(0 3 ? * SUN *)' },
  queue: 'batch',
  overlap: 'skip',
  timeout: '10 minutes',
  memoryMb: 512,
  retries: 1,
  deps: () => ({ exports: createSampleExportStore() }),
  run: async (ctx) => {
    const now = ctx.scheduledTime ?? new Date();
    const cutoff = new Date(now.getTime() - RETENTION_DAYS * 24 * 60 * 60 * 1000);
    let deleted = 0;
    for (;;) {
      if (ctx.signal.aborted) {
        return JobResult.failure(`Stopped after deleting ${deleted} exports: out of time`);
      }
      const batch = await ctx.deps.exports.deleteOlderThan(cutoff, BATCH_SIZE);
      deleted += batch;
      if (batch < BATCH_SIZE) break;
    }
    ctx.logger.info('Cleanup finished', { deleted, cutoff: cutoff.toISOString() });
    return JobResult.success(`Deleted ${deleted} expired exports`).withMetadata('deleted', deleted);
  },
});
