import * as z from 'zod/mini';
import { TRIGGERS, type Trigger } from '../executor/execution';
import type { RunRequest } from '../executor/run-request';
import '../support/zod-messages';

/**
 * The message that starts a run, whoever sends it: an EventBridge Scheduler tick, the API's
 * "trigger now", the CLI, `ctx.enqueue()` from another job, or a test event typed into the
 * Lambda console (`{ "job": "...", "input": ... }`). It is the body of every SQS message.
 */
export interface RunMessage {
  readonly job: string;
  readonly input?: unknown;
  /** @default - `manual` */
  readonly trigger?: Trigger;
  readonly runId?: string;
  /** ISO time the schedule tick was due: Scheduler's `<aws.scheduler.scheduled-time>`. */
  readonly scheduledTime?: string;
  readonly idempotencyKey?: string;
  readonly triggeredBy?: string;
  readonly retryOf?: string;
  readonly parent?: { readonly jobName: string; readonly runId: string };
  /** The schedule that sent a tick: Scheduler's `<aws.scheduler.schedule-arn>`. */
  readonly scheduleArn?: string;
}

const nonEmpty = () => z.string().check(z.minLength(1, 'must not be empty'));

// Strict, so that a misspelt field in a hand-written message (a console test event) is reported
// rather than silently ignored.
const runMessageSchema = z.strictObject({
  job: nonEmpty(),
  input: z.optional(z.unknown()),
  trigger: z.optional(z.enum(TRIGGERS as [Trigger, ...Trigger[]])),
  runId: z.optional(nonEmpty()),
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
  idempotencyKey: z.optional(nonEmpty().check(z.maxLength(512))),
  triggeredBy: z.optional(nonEmpty()),
  retryOf: z.optional(nonEmpty()),
  parent: z.optional(z.strictObject({ jobName: nonEmpty(), runId: nonEmpty() })),
  scheduleArn: z.optional(nonEmpty()),
});

export type ParsedRunMessage =
  | { readonly ok: true; readonly message: RunMessage }
  | { readonly ok: false; readonly reason: string; readonly job?: string };

/**
 * Reads a run message from an SQS body or a direct invocation's event. Never throws: a message
 * that can never run comes back with the reason, and the job it names when that much is legible,
 * so that it can be recorded as rejected.
 */
export function parseRunMessage(body: unknown): ParsedRunMessage {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch (error) {
      return {
        ok: false,
        reason: `The message body is not JSON (${(error as Error).message}); send {"job": "<name>", "input": ...}`,
      };
    }
  }
  const parsed = runMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: withoutUndefined(parsed.data) };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'message';
    return `${path}: ${issue.message}`;
  });
  const job = (value as { job?: unknown } | null)?.job;
  return {
    ok: false,
    reason: `The message is not a run message: ${problems.join('; ')}. Expected {"job": "<name>", "input": ...}`,
    ...(typeof job === 'string' && job !== '' ? { job } : {}),
  };
}

/** The message that asks for `request`. */
export function runMessageFor(request: RunRequest): RunMessage {
  return withoutUndefined({
    job: request.jobName,
    input: request.input,
    trigger: request.trigger,
    runId: request.runId,
    scheduledTime: request.scheduledTime,
    idempotencyKey: request.idempotencyKey,
    triggeredBy: request.triggeredBy,
    retryOf: request.retryOf,
    parent: request.parent,
  });
}

/** The executor's request for one delivery of `message`. */
export function runRequestFrom(
  message: RunMessage,
  delivery: { readonly defaultTriggeredBy?: string },
): RunRequest {
  const triggeredBy = message.triggeredBy ?? delivery.defaultTriggeredBy;
  return withoutUndefined({
    jobName: message.job,
    input: message.input,
    trigger: message.trigger ?? 'manual',
    runId: message.runId,
    scheduledTime: message.scheduledTime,
    idempotencyKey: message.idempotencyKey,
    triggeredBy,
    retryOf: message.retryOf,
    parent: message.parent,
  });
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
