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

/**
 * One delivery of a run on its way through the executor's steps. Each step returns what the
 * next one needs, as its own type, or the execution that ends the delivery.
 */
export interface RunState {
  readonly request: RunRequest;
  readonly options: ExecuteOptions;
  readonly runId: string;
  /** The attempt this delivery is: 1 until the claim finds the run's history says otherwise. */
  readonly attempt: number;
  readonly idempotencyKey?: string;
}

/** A run whose job the registry knows. */
export interface ResolvedRun extends RunState {
  readonly job: AnyNamedJobDefinition;
}

/** A run as a rejection records it: its job is known once it is resolved. */
export type RejectableRun = RunState & { readonly job?: AnyNamedJobDefinition };

/** A run whose input may run: history can store it, and the job's schema accepted it. */
export interface ValidatedRun extends ResolvedRun {
  /** The input after the job's schema parsed it. */
  readonly input: unknown;
}

/** A run whose attempt this delivery claimed: history has it running. */
export interface ClaimedRun extends ValidatedRun {
  /** The `running` record this attempt claimed. */
  readonly running: Execution;
}

/** Whether a step ended the delivery with `result` rather than passing the run on. */
export function isExecution(result: Execution | RunState): result is Execution {
  return !('request' in result);
}
