import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../../shared/job/define-job';
import type { JobContext, JobDefinition, QueueClass } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';

// These tests are checked by `tsc --noEmit`; at run time they only build the definitions.
describe('defineJob types', () => {
  it('types ctx.input from a zod schema', () => {
    defineJob({
      name: 'typed',
      input: z.object({ n: z.number(), tags: z.array(z.string()).optional() }),
      run: async (ctx) => {
        expectTypeOf(ctx.input.n).toEqualTypeOf<number>();
        expectTypeOf(ctx.input.tags).toEqualTypeOf<string[] | undefined>();
        return JobResult.success();
      },
    });
  });

  it('types ctx.input as the output of the schema, defaults applied', () => {
    defineJob({
      name: 'defaulted',
      schedule: { cron: '0 2 * * *' },
      input: z.object({ days: z.number().default(1) }).default({ days: 1 }),
      run: (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<{ days: number }>();
      },
    });
  });

  it('types ctx.input as unknown when there is no schema', () => {
    defineJob({
      name: 'untyped',
      run: (ctx) => {
        expectTypeOf(ctx.input).toEqualTypeOf<unknown>();
      },
    });
  });

  it('types ctx.deps from the deps factory, async or not', () => {
    defineJob({
      name: 'with-deps',
      deps: async () => ({ db: { query: (sql: string) => sql.length } }),
      run: (ctx) => {
        expectTypeOf(ctx.deps.db.query).toEqualTypeOf<(sql: string) => number>();
      },
    });
  });

  it('carries the input type on the definition', () => {
    const job = defineJob({ name: 'typed', input: z.object({ n: z.number() }), run: () => {} });

    expectTypeOf(job).toExtend<JobDefinition<{ n: number }, undefined>>();
    expectTypeOf(job.run).parameter(0).toEqualTypeOf<JobContext<{ n: number }, undefined>>();
  });

  it('types the defaulted fields of the definition', () => {
    const job = defineJob({ name: 'plain', run: () => {} });

    expectTypeOf(job.queue).toEqualTypeOf<QueueClass>();
    expectTypeOf(job.timeoutSeconds).toEqualTypeOf<number>();
    expectTypeOf(job.name).toEqualTypeOf<string | undefined>();
  });

  it('refuses options that are not in the contract at compile time', () => {
    // @ts-expect-error: queue takes only the queue classes
    const badQueue = () => defineJob({ name: 'x', queue: 'urgent', run: () => {} });
    // @ts-expect-error: run must return a JobResult or nothing
    const badRun = () => defineJob({ name: 'x', run: () => 42 });
    // @ts-expect-error: retry is not an option
    const typo = () => defineJob({ name: 'x', retry: 3, run: () => {} });

    expectTypeOf(badQueue).toBeFunction();
    expectTypeOf(badRun).toBeFunction();
    expectTypeOf(typo).toBeFunction();
  });

  describe('ctx.enqueue, typed by enqueues', () => {
    const sendEmail = defineJob({
      name: 'send-email',
      input: z.object({ to: z.string(), subject: z.string() }),
      run: async () => JobResult.success(),
    });
    const dailyReport = defineJob({
      name: 'daily-report',
      input: z.object({ day: z.string() }),
      run: async () => JobResult.success(),
    });

    it('takes a declared definition, with its input type', () => {
      defineJob({
        name: 'notifier',
        enqueues: [sendEmail],
        run: async (ctx) => {
          await ctx.enqueue(sendEmail, { to: 'a@example.com', subject: 'Hi' });
          // @ts-expect-error: send-email's input has no `day`
          await ctx.enqueue(sendEmail, { day: '2026-12-01' });
        },
      });
    });

    it('flags a definition the job does not declare', () => {
      defineJob({
        name: 'notifier',
        enqueues: [sendEmail],
        run: async (ctx) => {
          // @ts-expect-error: daily-report is not in enqueues
          await ctx.enqueue(dailyReport, { day: '2026-12-01' });
        },
      });
    });

    it('takes a declared name, and flags another', () => {
      defineJob({
        name: 'notifier',
        enqueues: ['audit-log'],
        run: async (ctx) => {
          await ctx.enqueue('audit-log', { event: 'x' });
          // @ts-expect-error: payroll is not in enqueues
          await ctx.enqueue('payroll');
        },
      });
    });

    it('flags every enqueue of a job that declares none', () => {
      defineJob({
        name: 'loner',
        run: async (ctx) => {
          // @ts-expect-error: the job declares no enqueues
          await ctx.enqueue(sendEmail, { to: 'a@example.com', subject: 'Hi' });
        },
      });
    });
  });
});
