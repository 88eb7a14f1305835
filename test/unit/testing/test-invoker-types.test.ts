import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { createTestInvoker, type TestDeps, type TestJobName } from '../../../shared/testing/index';

const sendEmail = defineJob({
  name: 'send-email',
  input: z.object({ to: z.email() }),
  deps: () => ({ mailer: { send: async (to: string) => `sent to ${to}` } }),
  run: async (ctx) => JobResult.success(await ctx.deps.mailer.send(ctx.input.to)),
});

const report = defineJob({
  name: 'report',
  input: z.object({ day: z.string() }),
  enqueues: [sendEmail],
  deps: async () => ({ sales: { total: (day: string) => day.length } }),
  run: async (ctx) => void (await ctx.enqueue(sendEmail, { to: 'a@example.com' })),
});

// What defineJob's type would be if it kept the name's literal type: names are then checked too.
const namedSendEmail = sendEmail as typeof sendEmail & { readonly name: 'send-email' };
const namedReport = report as typeof report & { readonly name: 'report' };

const fakeMailer = { send: async (to: string) => `faked for ${to}` };

/** Holds calls that are only to be type-checked: at run time, nothing runs. */
function typeCheckOnly(_calls: () => unknown): void {}

// These tests are checked by `tsc --noEmit`; at run time they only build invokers and never run.
describe('createTestInvoker types', () => {
  it("checks run's input against the job's input schema", () => {
    const invoker = createTestInvoker({ jobs: [report, sendEmail] });

    typeCheckOnly(() => [
      invoker.run(sendEmail, { to: 'a@example.com' }),
      invoker.run(report),
      // @ts-expect-error -- `to` must be a string
      invoker.run(sendEmail, { to: 42 }),
      // @ts-expect-error -- `day` is missing
      invoker.run(report, { to: 'a@example.com' }),
    ]);
  });

  it('types the execution by the job it ran', () => {
    const invoker = createTestInvoker({ jobs: [sendEmail] });

    typeCheckOnly(async () => {
      const execution = await invoker.run(sendEmail, { to: 'a@example.com' });

      expectTypeOf(execution.input).toEqualTypeOf<{ to: string } | undefined>();
      expectTypeOf(execution.status).toBeString();
    });
  });

  it('runs only definitions of the jobs it was given', () => {
    const invoker = createTestInvoker({ jobs: [sendEmail] });

    // @ts-expect-error -- report was not given to the invoker
    typeCheckOnly(() => invoker.run(report, { day: '2026-11-22' }));
  });

  it('still takes any name, and any input, for jobs whose names come from their files', () => {
    const invoker = createTestInvoker({ jobs: [report, sendEmail] });

    typeCheckOnly(() => invoker.run('send-email', { to: 42 }));
    expectTypeOf<TestJobName<typeof sendEmail>>().toEqualTypeOf<string>();
  });

  it("checks each dependency replacement against what a job's deps factory returns", () => {
    createTestInvoker({
      jobs: [report, sendEmail],
      deps: { 'send-email': { mailer: fakeMailer }, report: { sales: { total: () => 1 } } },
    });
    createTestInvoker({
      jobs: [report, sendEmail],
      // @ts-expect-error -- send takes the address and resolves with text
      deps: { 'send-email': { mailer: { send: (to: number) => to } } },
    });
    createTestInvoker({
      jobs: [sendEmail],
      // @ts-expect-error -- the replacement is whole, not merged: mailer is required
      deps: { 'send-email': {} },
    });
  });

  it('checks names, and each job its own deps and input, when the names are literal types', () => {
    const invoker = createTestInvoker({
      jobs: [namedReport, namedSendEmail],
      deps: { 'send-email': { mailer: fakeMailer } },
    });

    typeCheckOnly(() => [
      invoker.run('send-email', { to: 'a@example.com' }),
      // @ts-expect-error -- no job is named send-emial
      invoker.run('send-emial'),
      // @ts-expect-error -- send-email takes { to }
      invoker.run('send-email', { day: '2026-11-22' }),
      // @ts-expect-error -- no job is named send-emial
      invoker.history('send-emial'),
    ]);
    createTestInvoker({
      jobs: [namedReport, namedSendEmail],
      // @ts-expect-error -- report's deps are { sales }, not send-email's
      deps: { report: { mailer: fakeMailer } },
    });
    createTestInvoker({
      jobs: [namedReport, namedSendEmail],
      // @ts-expect-error -- no job is named send-emial
      deps: { 'send-emial': { mailer: fakeMailer } },
    });
    expectTypeOf<TestDeps<typeof namedSendEmail>>().toEqualTypeOf<{
      readonly 'send-email'?: { mailer: { send: (to: string) => Promise<string> } };
    }>();
  });
});
