/** One dependency the app needs, asked whether it answers (`GET /health`). */
export interface HealthCheck {
  /** How `GET /health` names it: `executions`, `queue:send-email`. */
  readonly name: string;
  /** Resolves when the dependency answers as it should; rejects saying what is wrong. */
  check(signal: AbortSignal): Promise<void>;
}

/** The checks for an app of these jobs: its tables, and each job's queue. */
export type HealthChecksOfJobs = (jobNames: readonly string[]) => HealthCheck[];
