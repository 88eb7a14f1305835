import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STATUS_LABELS } from '../../../../local/dashboard/run-labels.js';
import { isRetryable } from '../../../../local/dashboard/run-status.js';
import { ManualClock } from '../../../../shared/clock/manual-clock';
import { RunTrigger } from '../../../../shared/control/run-trigger';
import { RunStateConflictError } from '../../../../shared/errors';
import type { Execution, ExecutionStatus } from '../../../../shared/executor/execution';
import { JobRegistry } from '../../../../shared/executor/job-registry';
import { defineJob } from '../../../../shared/job/define-job';
import { JobResult } from '../../../../shared/job/job-result';
import { InMemoryExecutionStore } from '../../../../shared/stores/in-memory-execution-store';

// Every status: the labels are typed Record<ExecutionStatus, string>, so typecheck fails
// when their keys and the union in shared/executor/execution.ts differ.
const STATUSES = Object.keys(STATUS_LABELS) as ExecutionStatus[];

const invoice = defineJob({
  name: 'invoice',
  input: z.object({ customerId: z.string() }),
  run: async () => JobResult.success(),
});

function endedRun(status: ExecutionStatus): Execution {
  return {
    jobName: 'invoice',
    runId: 'run-1',
    attempt: 3,
    maxAttempts: 3,
    trigger: 'api',
    status,
    startedAt: '2026-11-23T11:00:00.000Z',
    input: { customerId: 'c-9' },
    willRetry: false,
  };
}

/** Whether the API's retry (RunTrigger.retry, behind POST .../retry) takes the run. */
async function apiRetries(run: Execution): Promise<boolean> {
  const history = new InMemoryExecutionStore();
  await history.record(run);
  const trigger = new RunTrigger({
    jobs: JobRegistry.from([invoice]),
    enqueuer: { enqueue: async () => {} },
    history,
    clock: new ManualClock('2026-11-23T12:00:00Z'),
  });
  try {
    await trigger.retry(run.jobName, run.runId);
    return true;
  } catch (error) {
    if (error instanceof RunStateConflictError) return false;
    throw error;
  }
}

describe('the dashboard’s retry button', () => {
  it.each(STATUSES)('is offered for a %s run exactly when the API retries it', async (status) => {
    const run = endedRun(status);

    const retried = await apiRetries(run);

    expect(isRetryable(run)).toBe(retried);
  });

  it('agrees with the API on a failed attempt that another attempt follows', async () => {
    const run: Execution = { ...endedRun('failed'), attempt: 1, willRetry: true };

    const retried = await apiRetries(run);

    expect(isRetryable(run)).toBe(retried);
    expect(retried).toBe(false);
  });
});
