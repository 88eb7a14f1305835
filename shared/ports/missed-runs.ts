import type { Execution } from '../executor/execution';
import type { Page, PageRequest } from './execution-history';

/** Where the runs reported missed are listed. */
export interface MissedRunHistory {
  /** The job's runs whose latest attempt is `missed`, newest first. */
  listMissed(jobName: string, page?: PageRequest): Promise<Page<Execution>>;
}

/** Where the missed-run check writes down a tick that started no run. */
export interface MissedRunRecorder {
  /**
   * Records `missed` (status `missed`, the tick's run id) as the tick's run, only if the tick
   * has no run: atomic with the worker's claim, so a tick that starts meanwhile keeps its run.
   * Resolves whether it wrote.
   */
  recordMissed(missed: Execution): Promise<boolean>;
}

/** How far the missed-run check has compared a job's schedule with its runs. */
export interface TickCheckMark {
  /** ISO: every tick up to this time (included) was checked. */
  readonly checkedUntil: string;
  /** The schedule the ticks were checked against: a new schedule starts a new mark. */
  readonly schedule: string;
}

/** What the missed-run check reads of a job, and the mark it keeps beside the job's state. */
export interface TickCheckState {
  /** The job's pause state as stored; undefined when never written (its definition decides). */
  readonly paused?: boolean;
  readonly pausedAt?: string;
  /** When the job was last resumed: its ticks from its pause until then were not due. */
  readonly resumedAt?: string;
  readonly mark?: TickCheckMark;
}

/** What the missed-run check reads and moves on, beside each job's pause state. */
export interface TickCheckMarks {
  readTickCheck(jobName: string): Promise<TickCheckState>;
  markTicksChecked(jobName: string, mark: TickCheckMark): Promise<void>;
}
