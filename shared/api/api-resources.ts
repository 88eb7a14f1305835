import type { Execution } from '../executor/execution';
import type { OverlapPolicy, QueueClass } from '../job/job-definition';
import type { ScheduleExpression } from '../schedule/schedule-expression';

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
}

/** A job as `GET /jobs/{name}` shows it. */
export interface JobDetails extends JobSummary {
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly overlap: OverlapPolicy;
  /** The next 5 times the schedule fires, ISO; empty for an on-demand job or a past `at`. */
  readonly nextFireTimes: readonly string[];
  /** The latest attempt of the job's latest run; absent when it never ran. */
  readonly lastRun?: Execution;
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
  readonly attempts: readonly Execution[];
}

export type ApiErrorCode =
  | 'bad_request'
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
