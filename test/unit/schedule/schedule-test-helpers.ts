import { ScheduleExpressionError } from '../../../shared/errors';

/** Runs `build` and returns the ScheduleExpressionError it throws; fails if it throws nothing else. */
export function catchScheduleError(build: () => unknown): ScheduleExpressionError {
  try {
    build();
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleExpressionError, but nothing was thrown');
}

/** Fire times as ISO strings, so a failing assertion shows readable instants. */
export function isoTimes(times: readonly Date[]): string[] {
  return times.map((time) => time.toISOString());
}
