// The executor's cost per run with in-memory stores, against calling the job body directly,
// and runs per second through the test invoker. Targets: overhead under 50 µs per run;
// 20,000 runs per second through the invoker.

import { z } from 'zod';
import { defineJob, type JobContext, JobResult } from '#shared';
import { createTestInvoker } from '#shared/testing';
import { createExecutor } from '../shared/executor/executor';
import { silentLogger } from '../shared/logging/silent-logger';
import { InMemoryExecutionStore } from '../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../shared/stores/in-memory-job-state-store';
import { median, report } from './report';

const RUNS = Number(process.env.RUNS ?? 20_000);
const ROUNDS = 5;

const plain = defineJob({
  name: 'plain',
  run: async (ctx) => JobResult.success('ok').withMetadata('attempt', ctx.attempt),
});

const validated = defineJob({
  name: 'validated',
  input: z.object({ customerId: z.string(), limit: z.number().int().default(10) }),
  run: async (ctx) => JobResult.success(ctx.input.customerId),
});

async function timeRuns(runs: number, once: (index: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < runs; index++) await once(index);
  return Number(process.hrtime.bigint() - started) / 1000 / runs;
}

function freshExecutor() {
  return createExecutor({
    jobs: [plain, validated],
    executionStore: new InMemoryExecutionStore(),
    jobStateStore: new InMemoryJobStateStore(),
    enqueuer: { enqueue: async () => {} },
    logger: silentLogger,
  });
}

async function main(): Promise<void> {
  const context = {
    jobName: 'plain',
    runId: 'r',
    attempt: 1,
    maxAttempts: 4,
    trigger: 'manual',
    input: undefined,
    signal: new AbortController().signal,
    logger: silentLogger,
    deps: undefined,
    enqueue: async () => ({ runId: 'x' }),
  } satisfies JobContext<unknown, undefined>;

  const direct: number[] = [];
  const executed: number[] = [];
  const executedWithInput: number[] = [];
  const invoked: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(await timeRuns(RUNS, () => Promise.resolve(plain.run(context))));
    const executor = freshExecutor();
    executed.push(
      await timeRuns(RUNS, () => executor.execute({ jobName: 'plain', trigger: 'manual' })),
    );
    const withInput = freshExecutor();
    executedWithInput.push(
      await timeRuns(RUNS, (index) =>
        withInput.execute({
          jobName: 'validated',
          trigger: 'api',
          input: { customerId: `c-${index}` },
        }),
      ),
    );
    const invoker = createTestInvoker({ jobs: [plain] });
    invoked.push(await timeRuns(RUNS, () => invoker.run('plain')));
  }

  // The first round warms the JIT; report the median of the rest.
  const directUs = median(direct.slice(1));
  const executedUs = median(executed.slice(1));
  const withInputUs = median(executedWithInput.slice(1));
  const invokedUs = median(invoked.slice(1));
  process.stdout.write(
    `\nExecutor, ${RUNS} sequential runs per round, median of ${ROUNDS - 1} rounds\n`,
  );
  report('job body called directly', directUs, 'µs/run');
  report('through the executor (in-memory stores)', executedUs, 'µs/run');
  report('executor overhead per run', executedUs - directUs, 'µs', 'target: < 50 µs');
  report('executor / direct', executedUs / directUs, 'x');
  report('through the executor, with a zod input schema', withInputUs, 'µs/run');
  report(
    'runs per second through the test invoker',
    1_000_000 / invokedUs,
    'runs/s',
    'target: 20,000/s',
  );
}

await main();
