import type { AnyNamedJobDefinition } from '../job/job-definition';
import type { Execution } from './execution';
import type { RunRequest } from './run-request';

export interface ExecuteOptions {
  /** Cancels the run from outside, for a graceful shutdown; it is recorded as `cancelled`. */
  readonly signal?: AbortSignal;
  /**
   * Epoch ms at which the process will be stopped (Lambda's deadline); the run's signal fires
   * early enough before it to record the outcome.
   */
  readonly deadline?: number;
}

/** One run on its way through the executor's middleware; each step fills in what it learns. */
export interface RunState {
  readonly request: RunRequest;
  readonly options: ExecuteOptions;
  readonly runId: string;
  /** The attempt this delivery is: 1 until the claim finds the run's history says otherwise. */
  attempt: number;
  readonly idempotencyKey?: string;
  job?: AnyNamedJobDefinition;
  /** The input after the job's schema parsed it. */
  input?: unknown;
  /** The `running` record this attempt claimed. */
  running?: Execution;
}
