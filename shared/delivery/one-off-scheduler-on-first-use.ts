import { SDK_RETRY_SETTINGS } from '../support/sdk-retry-settings';
import type { OneOffScheduler, SchedulerOneOffSchedulerOptions } from './one-off-scheduler';

/**
 * EventBridge Scheduler one-time schedules, with the Scheduler client's code loaded on the first
 * run scheduled more than 15 minutes ahead: most functions never schedule one, and loading it
 * would cost every cold start. A failed load is tried again at the next run.
 */
export function oneOffSchedulerOnFirstUse(
  options: Omit<SchedulerOneOffSchedulerOptions, 'schedulerClient'>,
): OneOffScheduler {
  let loading: Promise<OneOffScheduler> | undefined;
  const load = async (): Promise<OneOffScheduler> => {
    const [{ SchedulerClient }, { SchedulerOneOffScheduler }] = await Promise.all([
      import('@aws-sdk/client-scheduler'),
      import('./one-off-scheduler'),
    ]);
    return new SchedulerOneOffScheduler({
      ...options,
      schedulerClient: new SchedulerClient(SDK_RETRY_SETTINGS),
    });
  };
  return {
    async schedule(run) {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading).schedule(run);
    },
  };
}
