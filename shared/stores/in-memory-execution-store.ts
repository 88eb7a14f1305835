import { isCancellable } from '../control/cancellable';
import { abandonedAttempt, mayStartAttempt } from '../executor/attempt-claim';
import type { Execution } from '../executor/execution';
import type { ClaimResult, ExecutionStore, OpenRunStore } from '../ports/execution-store';
import type { MissedRunRecorder } from '../ports/missed-runs';
import type {
  CancelRequest,
  CancelRequestResult,
  RunCancellations,
} from '../ports/run-cancellations';
import { sweepTimeOf } from '../sweep/open-runs';

/** Execution history in memory, for the test invoker and benchmarks. */
export class InMemoryExecutionStore
  implements ExecutionStore, OpenRunStore, RunCancellations, MissedRunRecorder
{
  /** Every execution in the order it was first recorded; updated in place on completion. */
  private readonly timeline: Execution[] = [];
  private readonly runs = new Map<string, { attempts: Execution[]; positions: number[] }>();
  private readonly cancelRequests = new Map<string, CancelRequest>();

  async start(execution: Execution): Promise<ClaimResult> {
    const key = runKey(execution.jobName, execution.runId);
    const run = this.runs.get(key);
    const latestIndex = run ? run.attempts.length - 1 : -1;
    const latest = run?.attempts[latestIndex];
    if (!mayStartAttempt(latest, execution)) {
      return latest ? { claimed: false, existing: latest } : { claimed: false };
    }
    if (run && latest?.status === 'missed') {
      // The tick came after all, late: its run replaces the report, as a new run would.
      this.replace(run, latestIndex, execution);
      return { claimed: true };
    }
    if (run && latest?.status === 'running') {
      this.replace(
        run,
        latestIndex,
        abandonedAttempt(latest, execution.startedAt, execution.attempt),
      );
    }
    this.append(key, execution);
    return { claimed: true };
  }

  async complete(execution: Execution): Promise<void> {
    const run = this.runs.get(runKey(execution.jobName, execution.runId));
    const index = run?.attempts.findIndex((attempt) => attempt.attempt === execution.attempt) ?? -1;
    if (!run || index < 0) {
      throw new Error(
        `Cannot complete attempt ${execution.attempt} of run ${execution.runId} of job "${execution.jobName}": it was never started`,
      );
    }
    this.replace(run, index, execution);
  }

  async record(execution: Execution): Promise<void> {
    this.append(runKey(execution.jobName, execution.runId), execution);
  }

  async recordMissed(missed: Execution): Promise<boolean> {
    const key = runKey(missed.jobName, missed.runId);
    if (this.runs.has(key)) return false;
    this.append(key, missed);
    return true;
  }

  async getRun(jobName: string, runId: string): Promise<Execution[]> {
    return [...(this.runs.get(runKey(jobName, runId))?.attempts ?? [])];
  }

  async requestCancel(
    jobName: string,
    runId: string,
    request: CancelRequest,
  ): Promise<CancelRequestResult> {
    const key = runKey(jobName, runId);
    const latest = this.runs.get(key)?.attempts.at(-1);
    if (!latest || !isCancellable(latest)) {
      return latest ? { requested: false, latest } : { requested: false };
    }
    if (!this.cancelRequests.has(key)) this.cancelRequests.set(key, request);
    return { requested: true };
  }

  async cancelRequestOf(jobName: string, runId: string): Promise<CancelRequest | undefined> {
    return this.cancelRequests.get(runKey(jobName, runId));
  }

  async *openRunsDue(now: string): AsyncIterable<Execution> {
    const due: { at: string; latest: Execution }[] = [];
    for (const run of this.runs.values()) {
      const latest = run.attempts.at(-1);
      const at = latest && sweepTimeOf(latest);
      if (latest && at !== undefined && at <= now) due.push({ at, latest });
    }
    due.sort((a, b) => a.at.localeCompare(b.at));
    for (const { latest } of due) yield latest;
  }

  async settle(open: Execution, settled: Execution): Promise<boolean> {
    const run = this.runs.get(runKey(open.jobName, open.runId));
    const index = run ? run.attempts.length - 1 : -1;
    const latest = run?.attempts[index];
    const due = sweepTimeOf(open);
    if (
      !run ||
      !latest ||
      due === undefined ||
      settled.attempt !== open.attempt ||
      latest.attempt !== open.attempt ||
      latest.status !== open.status ||
      sweepTimeOf(latest) !== due
    ) {
      return false;
    }
    this.replace(run, index, settled);
    return true;
  }

  /** Executions oldest first, of one job or of all. */
  list(jobName?: string): Execution[] {
    return jobName === undefined
      ? [...this.timeline]
      : this.timeline.filter((execution) => execution.jobName === jobName);
  }

  private append(key: string, execution: Execution): void {
    let run = this.runs.get(key);
    if (!run) {
      run = { attempts: [], positions: [] };
      this.runs.set(key, run);
    }
    run.attempts.push(execution);
    run.positions.push(this.timeline.length);
    this.timeline.push(execution);
  }

  private replace(
    run: { attempts: Execution[]; positions: number[] },
    index: number,
    execution: Execution,
  ): void {
    run.attempts[index] = execution;
    const position = run.positions[index];
    if (position !== undefined) this.timeline[position] = execution;
  }
}

function runKey(jobName: string, runId: string): string {
  return `${jobName}\u0000${runId}`;
}
