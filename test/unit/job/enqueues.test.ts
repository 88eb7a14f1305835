import { describe, expect, it } from 'vitest';
import { JobDefinitionError } from '../../../shared/errors';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { createTestInvoker } from '../../../shared/testing/test-invoker';

const audit = defineJob({ name: 'audit-log', run: async () => JobResult.success() });

describe('the enqueues option', () => {
  it('keeps the names of the jobs given by name or by definition, once each', () => {
    const job = defineJob({
      name: 'checkout',
      enqueues: [audit, 'send-receipt', 'audit-log'],
      run: async () => JobResult.success(),
    });

    expect(job.enqueues).toEqual(['audit-log', 'send-receipt']);
  });

  it('defaults to enqueuing nothing', () => {
    const job = defineJob({ name: 'loner', run: async () => JobResult.success() });

    expect(job.enqueues).toEqual([]);
  });

  it('rejects a list of anything but names and definitions', () => {
    const define = () =>
      defineJob({
        name: 'bad-list',
        enqueues: [42] as unknown as string[],
        run: async () => JobResult.success(),
      });

    expect(define).toThrow(JobDefinitionError);
    expect(define).toThrow(/enqueues.0: must be a job's name or its imported definition/);
  });

  it('fails a run that enqueues a job it did not declare, saying how to declare it', async () => {
    const sneaky = defineJob({
      name: 'sneaky',
      retries: 0,
      run: async (ctx) => {
        await ctx.enqueue(audit, {});
        return JobResult.success();
      },
    });
    const invoker = createTestInvoker({ jobs: [sneaky, audit] });

    const execution = await invoker.run('sneaky');

    expect(execution.status).toBe('failed');
    expect(execution.error?.name).toBe('EnqueueError');
    expect(execution.error?.message).toContain("enqueues: ['audit-log']");
    expect(invoker.history('audit-log')).toEqual([]);
  });
});
