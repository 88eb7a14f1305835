import type { Execution, ExecutionStatus } from '../executor/execution';
import type { OverlapPolicy, QueueClass } from '../job/job-definition';
import type { ScheduleExpression } from '../schedule/schedule-expression';
import type { HourSummary, RunStatsSummary } from '../stats/run-stats-math';

/** A job as `GET /jobs` lists it. */
export interface JobSummary {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  /** Absent for an on-demand job. */
  readonly schedule?: Pick<ScheduleExpression, 'kind' | 'expression' | 'timezone' | 'source'> & {
    /** The schedule in words, with its time zone: `At 07:00, Monday through Friday (Europe/London)`. */
    readonly description: string;
  };
  readonly queue: QueueClass;
  readonly paused: boolean;
  readonly pausedBy?: string;
  /** ISO time. */
  readonly pausedAt?: string;
  /**
   * When the schedule next fires, ISO; null for an on-demand job, a past `at`, or a paused job,
   * whose schedule fires no run until it is resumed.
   */
  readonly nextRunAt: string | null;
  /** The job's latest run, as its latest attempt; null when it never ran. */
  readonly lastRun: LastRun | null;
}

/** A run in brief, as `GET /jobs` lists each job's latest. */
export interface LastRun {
  readonly runId: string;
  /** The latest attempt's status: `running` while it runs, `failed` even when a retry is due. */
  readonly status: ExecutionStatus;
  /** ISO time the latest attempt started. */
  readonly startedAt: string;
  /** Absent while the attempt runs. */
  readonly durationMs?: number;
}

/** A job as `GET /jobs/{name}` shows it. */
export interface JobDetails extends JobSummary {
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly overlap: OverlapPolicy;
  /** The next 5 times the schedule fires, ISO, paused or not; empty for an on-demand job or a past `at`. */
  readonly nextFireTimes: readonly string[];
  /** The latest attempt of the job's latest run, in full; null when it never ran. */
  readonly lastRun: Execution | null;
  /** The input zod's schema accepts, as JSON Schema; absent without one (see `inputJsonSchemaOf`). */
  readonly inputSchema?: Readonly<Record<string, unknown>>;
  /** An input the schema accepts, to start from. */
  readonly inputExample?: unknown;
}

/** A page of runs, each as its latest attempt, newest first. */
export interface RunsPage {
  readonly runs: readonly Execution[];
  /** Pass it back as `?cursor=` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** One run with all its attempts, oldest first. */
export interface RunDetails {
  readonly runId: string;
  readonly jobName: string;
  /** The run's status: its latest attempt's. */
  readonly status: ExecutionStatus;
  /** Whether a failed latest attempt will be retried. */
  readonly willRetry: boolean;
  readonly attempts: readonly Execution[];
}

/** The ranges the stats routes cover, up to the current hour. */
export type StatsRange = '24h' | '7d';

/** `GET /jobs/{name}/stats`: a job's totals over the range, and each of its hours, oldest first. */
export interface JobStats extends RunStatsSummary {
  readonly jobName: string;
  readonly range: StatsRange;
  /** Every hour of the range, zero where nothing ended. */
  readonly hours: readonly HourSummary[];
}

/** `GET /stats`: every job's totals over the range, with a trend of its hours for a sparkline. */
export interface StatsOverview {
  readonly range: StatsRange;
  readonly jobs: readonly (RunStatsSummary & {
    readonly jobName: string;
    /** Every hour of the range, oldest first: runs ended, and how many of them failed for good. */
    readonly trend: readonly {
      readonly hour: string;
      readonly runs: number;
      readonly failures: number;
    }[];
  })[];
}

export type ApiErrorCode =
  | 'bad_request'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error';

/** The body of every error response. */
export interface ApiErrorBody {
  readonly error: ApiErrorCode;
  readonly message: string;
  /** For bad input: one entry per field, `path` such as `input.customerId`. */
  readonly details?: readonly { readonly path: string; readonly message: string }[];
}
