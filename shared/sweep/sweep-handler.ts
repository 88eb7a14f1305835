import type { Context } from 'aws-lambda';
import type { RunSweep, SweepReport } from './run-sweep';

/** Kept back from the function's timeout: the sweep takes on no run in its last seconds. */
const RESERVE_MS = 10_000;

export type SweepHandler = (
  event: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SweepReport>;

/**
 * The run sweeper function's handler, invoked every few minutes by an EventBridge rule: it ends
 * the runs that no worker or delivery will end (see `createRunSweep`). It fails, for its alarm,
 * when the open runs cannot be read or a run's write failed; the next invocation does what this
 * one left.
 */
export function createSweepHandler(sweeper: RunSweep): SweepHandler {
  return async (_event, context) => {
    const report = await sweeper.sweep(
      context ? { deadline: Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS } : {},
    );
    if (report.failed > 0) {
      throw new Error(
        `The sweep could not record what it found for ${report.failed} run(s); see the errors logged before this one`,
      );
    }
    return report;
  };
}
