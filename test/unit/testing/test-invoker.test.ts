import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, JobResult } from '../../../shared/index';
import { createTestInvoker, ManualClock } from '../../../shared/testing/index';

const sendEmail = defineJob({
  name: 'send-email',
  input: z.object({ to: z.email() }),
  deps: () => ({ mailer: { send: async (_to: string) => 'real' } }),
  run: async (ctx) => JobResult.success(await ctx.deps.mailer.send(ctx.input.to)),
});

const newsletter = defineJob({
  name: 'newsletter',
  input: z.object({ subscribers: z.array(z.email()) }),
  enqueues: [sendEmail],
  run: async (ctx) => {
    for (const to of ctx.input.subscribers) await ctx.enqueue(sendEmail, { to });
    return JobResult.success(`Queued ${ctx.input.subscribers.length} emails`);
  },
});

function flakyJob(name: string, failures: number, retries = 3) {
  return defineJob({
    name,
    retries,
    run: async (ctx) =>
      ctx.attempt <= failures
        ? JobResult.failure(`attempt ${ctx.attempt} failed`)
        : JobResult.success(`attempt ${ctx.attempt} succeeded`),
  });
}

describe('createTestInvoker', () => {
  it('refuses a job that enqueues one it was not given, and says what to add', () => {
    expect(() => createTestInvoker({ jobs: [newsletter] })).toThrow(
      'job "newsletter" enqueues "send-email", which is not among the jobs given. Jobs given: newsletter.\n' +
        'Add each enqueued job to `jobs` (its definition, imported from its job file)',
    );
  });

  it('suggests the given job a misspelled enqueue target most likely means', () => {
    const misspelled = defineJob({ name: 'misspelled', enqueues: ['send-emial'], run: () => {} });

    expect(() => createTestInvoker({ jobs: [misspelled, sendEmail] })).toThrow(
      'job "misspelled" enqueues "send-emial", which is not among the jobs given. Did you mean "send-email"?',
    );
  });

  it('lists every missing target in one UnknownEnqueueTargetError', () => {
    const fanOut = defineJob({ name: 'fan-out', enqueues: ['audit', 'billing'], run: () => {} });

    const creating = () => createTestInvoker({ jobs: [fanOut] });

    expect(creating).toThrow(
      expect.objectContaining({
        name: 'UnknownEnqueueTargetError',
        missing: [
          { jobName: 'fan-out', target: 'audit' },
          { jobName: 'fan-out', target: 'billing' },
        ],
      }),
    );
  });
});

describe('run', () => {
  it('resolves with the final attempt, after retrying failures as production does', async () => {
    const invoker = createTestInvoker({ jobs: [flakyJob('flaky', 2)] });

    const execution = await invoker.run('flaky');

    expect(execution).toMatchObject({ attempt: 3, status: 'succeeded' });
    expect(invoker.history('flaky').map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(new Set(invoker.history('flaky').map((attempt) => attempt.runId)).size).toBe(1);
  });

  it("gives up when the job's retries run out", async () => {
    const invoker = createTestInvoker({ jobs: [flakyJob('hopeless', 10, 2)] });

    const execution = await invoker.run('hopeless');

    expect(execution).toMatchObject({ attempt: 3, status: 'failed', willRetry: false });
    expect(invoker.history('hopeless')).toHaveLength(3);
  });

  it('stops after the first attempt when told not to retry', async () => {
    const invoker = createTestInvoker({ jobs: [flakyJob('flaky', 1)] });

    const execution = await invoker.run('flaky', undefined, { retry: false });

    expect(execution).toMatchObject({ attempt: 1, status: 'failed', willRetry: true });
    expect(invoker.history('flaky')).toHaveLength(1);
  });

  it('waits for the runs a job enqueued before it resolves', async () => {
    const invoker = createTestInvoker({
      jobs: [newsletter, sendEmail],
      deps: { 'send-email': { mailer: { send: async (to: string) => `sent to ${to}` } } },
    });

    await invoker.run('newsletter', { subscribers: ['a@example.com', 'b@example.com'] });

    expect(invoker.history('send-email').map((execution) => execution.message)).toEqual([
      'sent to a@example.com',
      'sent to b@example.com',
    ]);
  });

  it('waits for runs enqueued by enqueued runs', async () => {
    const third = defineJob({ name: 'third', run: async () => JobResult.success('third ran') });
    const second = defineJob({
      name: 'second',
      enqueues: ['third'],
      run: async (ctx) => void (await ctx.enqueue('third')),
    });
    const first = defineJob({
      name: 'first',
      enqueues: ['second'],
      run: async (ctx) => void (await ctx.enqueue('second')),
    });
    const invoker = createTestInvoker({ jobs: [first, second, third] });

    await invoker.run('first');

    expect(invoker.history('third')).toMatchObject([{ status: 'succeeded', message: 'third ran' }]);
  });

  it('records how each run was enqueued, with the delay asked for', async () => {
    const reminder = defineJob({
      name: 'reminder',
      enqueues: [sendEmail],
      run: async (ctx) =>
        void (await ctx.enqueue(sendEmail, { to: 'a@example.com' }, { delay: '1 hour' })),
    });
    const invoker = createTestInvoker({
      jobs: [reminder, sendEmail],
      deps: { 'send-email': { mailer: { send: async () => 'ok' } } },
    });

    await invoker.run('reminder');

    expect(invoker.enqueued('send-email')).toMatchObject([
      { request: { jobName: 'send-email', input: { to: 'a@example.com' } }, delaySeconds: 3600 },
    ]);
  });

  it('runs a job given by its definition, typed by it', async () => {
    const invoker = createTestInvoker({
      jobs: [sendEmail],
      deps: { 'send-email': { mailer: { send: async (to: string) => `sent to ${to}` } } },
    });

    const execution = await invoker.run(sendEmail, { to: 'a@example.com' });

    expect(execution).toMatchObject({ status: 'succeeded', message: 'sent to a@example.com' });
    expect(execution.input?.to).toBe('a@example.com');
  });

  it('throws for a definition it was not given', async () => {
    const invoker = createTestInvoker({ jobs: [flakyJob('flaky', 0)] });

    // @ts-expect-error -- the type says so too: send-email was not given
    await expect(invoker.run(sendEmail, { to: 'a@example.com' })).rejects.toThrow(
      'There is no job named "send-email". Known jobs: flaky.',
    );
  });

  it('throws for a job it was not given', async () => {
    const invoker = createTestInvoker({ jobs: [sendEmail] });

    await expect(invoker.run('send-emial')).rejects.toThrow(
      'There is no job named "send-emial". Did you mean "send-email"?',
    );
  });

  it('returns a rejected execution for input the schema refuses', async () => {
    const invoker = createTestInvoker({ jobs: [sendEmail] });

    const execution = await invoker.run('send-email', { to: 'not an address' });

    expect(execution.status).toBe('rejected');
    expect(execution.message).toContain('input.to: Invalid email address');
  });

  it('runs a schedule tick once, however often it is run', async () => {
    let bodies = 0;
    const tick = defineJob({
      name: 'tick',
      schedule: { rate: '1 hour' },
      run: async () => {
        bodies += 1;
      },
    });
    const invoker = createTestInvoker({ jobs: [tick] });
    const options = { trigger: 'schedule' as const, scheduledTime: '2026-06-01T10:00:00Z' };

    const first = await invoker.run('tick', undefined, options);
    const second = await invoker.run('tick', undefined, options);

    expect(bodies).toBe(1);
    expect(first.scheduledTime).toBe('2026-06-01T10:00:00.000Z');
    expect(second.skipReason).toBe('duplicate');
  });

  it('times a run out on its clock, without waiting in real time', async () => {
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const slow = defineJob({
      name: 'slow',
      timeout: '5 minutes',
      retries: 0,
      run: (ctx) =>
        new Promise<undefined>(() => {
          ctx.logger.info('started');
        }),
    });
    const invoker = createTestInvoker({ jobs: [slow], clock });

    const running = invoker.run('slow');
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(5 * 60 * 1000);
    const execution = await running;

    expect(execution).toMatchObject({ status: 'timed_out', durationMs: 300_000 });
    expect(execution.completedAt).toBe('2026-06-01T00:05:00.000Z');
  });
});

describe('isolation', () => {
  it('keeps the histories of two invokers running the same job at the same time apart', async () => {
    const counter = defineJob({
      name: 'counter',
      input: z.object({ invoker: z.string() }),
      run: async (ctx) => {
        await new Promise((resolve) => setImmediate(resolve));
        return JobResult.success(`run by ${ctx.input.invoker}`);
      },
    });
    const left = createTestInvoker({ jobs: [counter] });
    const right = createTestInvoker({ jobs: [counter] });

    await Promise.all([
      ...Array.from({ length: 5 }, () => left.run('counter', { invoker: 'left' })),
      ...Array.from({ length: 3 }, () => right.run('counter', { invoker: 'right' })),
    ]);

    expect(left.history().map((execution) => execution.message)).toEqual(
      Array(5).fill('run by left'),
    );
    expect(right.history().map((execution) => execution.message)).toEqual(
      Array(3).fill('run by right'),
    );
  });

  it('keeps pause state per invoker', async () => {
    const tick = defineJob({ name: 'tick', schedule: { rate: '1 day' }, run: async () => {} });
    const paused = createTestInvoker({ jobs: [tick] });
    const running = createTestInvoker({ jobs: [tick] });
    await paused.pause('tick');
    const options = { trigger: 'schedule' as const, scheduledTime: '2026-06-01T00:00:00Z' };

    const skipped = await paused.run('tick', undefined, options);
    const ran = await running.run('tick', undefined, options);

    expect(skipped.skipReason).toBe('paused');
    expect(ran.status).toBe('succeeded');
  });

  it('replaces dependencies per invoker', async () => {
    const fake = createTestInvoker({
      jobs: [sendEmail],
      deps: { 'send-email': { mailer: { send: async () => 'fake' } } },
    });
    const real = createTestInvoker({ jobs: [sendEmail] });

    const fromFake = await fake.run('send-email', { to: 'a@example.com' });
    const fromReal = await real.run('send-email', { to: 'a@example.com' });

    expect(fromFake.message).toBe('fake');
    expect(fromReal.message).toBe('real');
  });
});

describe('drain, resume and logs', () => {
  it('drain waits for runs enqueued by a run started through the executor directly', async () => {
    const invoker = createTestInvoker({
      jobs: [newsletter, sendEmail],
      deps: { 'send-email': { mailer: { send: async () => 'ok' } } },
    });

    await invoker.executor.execute({
      jobName: 'newsletter',
      trigger: 'api',
      input: { subscribers: ['a@example.com', 'b@example.com', 'c@example.com'] },
    });
    await invoker.drain();

    expect(invoker.history('send-email')).toHaveLength(3);
  });

  it('runs ticks again after resume', async () => {
    const tick = defineJob({ name: 'tick', schedule: { rate: '1 day' }, run: async () => {} });
    const invoker = createTestInvoker({ jobs: [tick] });
    await invoker.pause('tick');
    await invoker.resume('tick');

    const execution = await invoker.run('tick', undefined, {
      trigger: 'schedule',
      scheduledTime: '2026-06-01T00:00:00Z',
    });

    expect(execution.status).toBe('succeeded');
  });

  it('skips the ticks of a job declared paused: true until it is resumed', async () => {
    const dormant = defineJob({
      name: 'dormant',
      schedule: { rate: '1 day' },
      paused: true,
      run: async () => {},
    });
    const invoker = createTestInvoker({ jobs: [dormant] });
    const tick = (day: string) =>
      invoker.run('dormant', undefined, { trigger: 'schedule', scheduledTime: day });

    const skipped = await tick('2026-06-01T00:00:00Z');
    await invoker.resume('dormant');
    const ran = await tick('2026-06-02T00:00:00Z');

    expect(skipped).toMatchObject({ status: 'skipped', skipReason: 'paused' });
    expect(skipped.message).toContain('definition (paused: true)');
    expect(ran.status).toBe('succeeded');
  });

  it('still runs a job declared paused: true when someone triggers it by hand', async () => {
    const dormant = defineJob({ name: 'dormant', paused: true, run: async () => {} });
    const invoker = createTestInvoker({ jobs: [dormant] });

    const execution = await invoker.run('dormant');

    expect(execution.status).toBe('succeeded');
  });

  it('keeps what a run logged, readable by its run id', async () => {
    const chatty = defineJob({
      name: 'chatty',
      run: async (ctx) => ctx.logger.info('step one', { rows: 4 }),
    });
    const invoker = createTestInvoker({ jobs: [chatty] });

    const execution = await invoker.run('chatty');

    expect(invoker.logs(execution.runId)).toContainEqual({
      level: 'info',
      message: 'step one',
      attributes: { jobName: 'chatty', runId: execution.runId, attempt: 1, rows: 4 },
    });
  });
});
