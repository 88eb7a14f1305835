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

  it('fails a run that enqueues a job it did not declare, for good, saying how to declare it', async () => {
    const sneaky = defineJob({
      name: 'sneaky',
      retries: 3,
      run: async (ctx) => {
        // @ts-expect-error: a job that is not in enqueues is a type error too
        await ctx.enqueue(audit, {});
        return JobResult.success();
      },
    });
    const invoker = createTestInvoker({ jobs: [sneaky, audit] });

    const execution = await invoker.run('sneaky');

    // No retry can fix the code: deployed, the job's role may not send to that queue at all.
    expect(execution).toMatchObject({ status: 'failed', attempt: 1, willRetry: false });
    expect(invoker.history('sneaky')).toHaveLength(1);
    expect(execution.error?.name).toBe('NonRetriableError');
    expect(execution.error?.message).toContain("enqueues: ['audit-log']");
    expect(invoker.history('audit-log')).toEqual([]);
  });
});
