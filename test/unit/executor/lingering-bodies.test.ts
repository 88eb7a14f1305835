import { describe, expect, it } from 'vitest';
import { createExecutor } from '../../../shared/executor/executor';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A job whose first body ignores its signal until the test lets it end. */
function stubbornJob() {
  const firstBodyMayEnd = deferred();
  const events: string[] = [];
  let bodies = 0;
  const job = defineJob({
    name: 'stubborn',
    retries: 2,
    run: async (ctx) => {
      bodies += 1;
      const body = bodies;
      events.push(`body ${body} starts (attempt ${ctx.attempt})`);
      if (body === 1) await firstBodyMayEnd.promise; // ignores ctx.signal
      events.push(`body ${body} ends`);
      return JobResult.success();
    },
  });
  const executor = createExecutor({
    jobs: [job],
    executionStore: new InMemoryExecutionStore(),
    jobStateStore: new InMemoryJobStateStore(),
    enqueuer: { enqueue: async () => {} },
    recordingReserveMs: 50,
  });
  return { executor, events, firstBodyMayEnd };
}

describe('a body that ignores its signal past the end of its attempt', () => {
  it('is counted as lingering until it ends', async () => {
    const { executor, firstBodyMayEnd } = stubbornJob();

    const first = await executor.execute(
      { jobName: 'stubborn', trigger: 'manual', runId: 'run-1' },
      { deadline: Date.now() + 200 },
    );
    const lingeringWhileItRuns = executor.lingeringBodies;
    firstBodyMayEnd.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(first).toMatchObject({ status: 'timed_out', willRetry: true });
    expect(lingeringWhileItRuns).toBe(1);
    expect(executor.lingeringBodies).toBe(0);
  });

  it("holds the run's next attempt until it ends: two bodies of one run never run at once", async () => {
    const { executor, events, firstBodyMayEnd } = stubbornJob();
    await executor.execute(
      { jobName: 'stubborn', trigger: 'manual', runId: 'run-1' },
      { deadline: Date.now() + 200 },
    );

    const retry = executor.execute({ jobName: 'stubborn', trigger: 'manual', runId: 'run-1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    events.push('the first body is let go');
    firstBodyMayEnd.resolve();
    const second = await retry;

    expect(second).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect(events).toEqual([
      'body 1 starts (attempt 1)',
      'the first body is let go',
      'body 1 ends',
      'body 2 starts (attempt 2)',
      'body 2 ends',
    ]);
  });

  it('gives up on the delivery with RunBusyError when the body outlasts the wait', async () => {
    const { executor, firstBodyMayEnd } = stubbornJob();
    await executor.execute(
      { jobName: 'stubborn', trigger: 'manual', runId: 'run-1' },
      { deadline: Date.now() + 200 },
    );

    const retry = executor.execute(
      { jobName: 'stubborn', trigger: 'manual', runId: 'run-1' },
      { deadline: Date.now() + 150 },
    );

    await expect(retry).rejects.toMatchObject({ name: 'RunBusyError' });
    firstBodyMayEnd.resolve();
  });
});
