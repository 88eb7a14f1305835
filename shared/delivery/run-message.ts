import * as z from 'zod/mini';
import { InvalidRunRequestError, NonRetriableError } from '../errors';
import { TRIGGERS, type Trigger } from '../executor/execution';
import { runIdForKey } from '../executor/run-id';
import type { RunRequest } from '../executor/run-request';
import { MAX_JOB_NAME_LENGTH } from '../job/job-name';
import '../support/zod-messages';
import {
  byteLength,
  formatBytes,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_RUN_ID_BYTES,
  MAX_RUN_MESSAGE_BYTES,
  messageJson,
  RUN_ID_LIMIT_REASON,
  unicodeProblem,
  unstorableValueIssue,
} from './run-limits';

const nonEmpty = () => z.string().check(z.minLength(1, 'must not be empty'));

/** A run id: at most `MAX_RUN_ID_BYTES` of UTF-8, and valid Unicode, as DynamoDB keys take. */
const runIdText = () =>
  nonEmpty().check(
    z.superRefine((text, ctx) => {
      const bytes = byteLength(text);
      const problem =
        bytes > MAX_RUN_ID_BYTES
          ? `is ${formatBytes(bytes)}, over the ${formatBytes(MAX_RUN_ID_BYTES)} ${RUN_ID_LIMIT_REASON}; use a shorter id, or leave it out for one to be made`
          : unicodeProblem(text, 'text');
      if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: text });
    }),
  );

const maxCharacters = (limit: number, what: string, hint: string) =>
  z.maxLength(limit, {
    error: (issue) =>
      `is ${String(issue.input).length.toLocaleString('en-US')} characters, over the ${limit.toLocaleString('en-US')} ${what} may have; ${hint}`,
  });

/** Anything JSON can carry that the history table can store as it is. */
const storable = z.superRefine((value: unknown, ctx) => {
  const issue = unstorableValueIssue(value);
  if (issue)
    ctx.issues.push({
      code: 'custom',
      message: issue.message,
      input: value,
      path: [...issue.path],
    });
});

/** The whole message, as it is sent, within what every queue and Scheduler take. */
const withinMessageSize = z.superRefine((message: RunMessage, ctx) => {
  const bytes = byteLength(messageJson(message));
  if (bytes <= MAX_RUN_MESSAGE_BYTES) return;
  ctx.issues.push({
    code: 'custom',
    input: message,
    path: message.input !== undefined ? ['input'] : [],
    message: `makes the run message ${formatBytes(bytes)}, over the ${formatBytes(MAX_RUN_MESSAGE_BYTES)} a run message may take (what every SQS queue and EventBridge Scheduler accept); send a smaller input: keep large data elsewhere (S3, a table) and pass its key`,
  });
});

const jobSchema = nonEmpty().check(
  maxCharacters(MAX_JOB_NAME_LENGTH, 'a job name', 'name a job this app defines'),
);

// Strict, so that a misspelt field in a hand-written message (a console test event) is reported
// rather than silently ignored. It also holds each field to what the queue and the history
// table take, so that what the API accepts, the worker can run and record.
const runMessageFields = z.strictObject({
  job: jobSchema,
  input: z.optional(z.unknown().check(storable)),
  /** @default - `manual` */
  trigger: z.optional(z.enum(TRIGGERS as [Trigger, ...Trigger[]])),
  runId: z.optional(runIdText()),
  /** ISO time the schedule tick was due: Scheduler's `<aws.scheduler.scheduled-time>`. */
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
  idempotencyKey: z.optional(
    nonEmpty().check(
      maxCharacters(
        MAX_IDEMPOTENCY_KEY_LENGTH,
        'an idempotency key',
        'use a shorter key, such as a hash of this one',
      ),
    ),
  ),
  triggeredBy: z.optional(
    nonEmpty().check(maxCharacters(MAX_LABEL_LENGTH, 'triggeredBy', 'send a shorter name')),
  ),
  retryOf: z.optional(runIdText()),
  parent: z.optional(
    z.strictObject({
      jobName: nonEmpty().check(
        maxCharacters(MAX_JOB_NAME_LENGTH, 'a job name', 'name a job this app defines'),
      ),
      runId: runIdText(),
    }),
  ),
  /** The schedule that sent a tick: Scheduler's `<aws.scheduler.schedule-arn>`. */
  scheduleArn: z.optional(
    nonEmpty().check(maxCharacters(MAX_LABEL_LENGTH, 'an ARN', 'send the schedule’s ARN')),
  ),
});

/**
 * The message that starts a run, whoever sends it: an EventBridge Scheduler tick, the API's
 * "trigger now", the CLI, `ctx.enqueue()` from another job, or a test event typed into the
 * Lambda console (`{ "job": "...", "input": ... }`). It is the body of every SQS message.
 */
export type RunMessage = Readonly<z.output<typeof runMessageFields>>;

const runMessageSchema = runMessageFields.check(withinMessageSize);

export type ParsedRunMessage =
  | { readonly ok: true; readonly message: RunMessage }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly job?: string;
      /**
       * The run the message asks for, when that much is legible (its `runId`, or the id of its
       * idempotency key): a rejection is recorded under it, where its sender looks for it.
       */
      readonly runId?: string;
    };

/**
 * Reads a run message from an SQS body or a direct invocation's event. Never throws: a message
 * that can never run comes back with the reason, and the job and run it names when that much
 * is legible, so that it can be recorded as rejected.
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
    const { path, message } = issueOf(issue);
    return `${path}: ${message}`;
  });
  const fields =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const job = jobSchema.safeParse(fields.job).success ? (fields.job as string) : undefined;
  const runId = runIdText().safeParse(fields.runId).success
    ? (fields.runId as string)
    : job !== undefined && typeof fields.idempotencyKey === 'string' && fields.idempotencyKey !== ''
      ? runIdForKey(job, fields.idempotencyKey)
      : undefined;
  return {
    ok: false,
    reason: `The message is not a run message: ${problems.join('; ')}. Expected {"job": "<name>", "input": ...}`,
    ...(job !== undefined ? { job } : {}),
    ...(runId !== undefined ? { runId } : {}),
  };
}

/**
 * The body of the message that asks for `request`, as every sender sends it (JSON, with the
 * characters SQS refuses escaped). Throws InvalidRunRequestError, naming each field, its size
 * and the limit, for a request that the queue or history could not take: nothing is sent.
 */
export function runMessageBody(request: RunRequest): string {
  const message = runMessageFor(request);
  const parsed = runMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new InvalidRunRequestError(request.jobName, parsed.error.issues.map(issueOf));
  }
  return messageJson(message);
}

/**
 * `runMessageBody` for a sender that is not told up front, such as `ctx.enqueue()`: a request
 * over a limit throws a NonRetriableError (with the InvalidRunRequestError as its cause), since
 * no retry of the code that sends it can change it.
 */
export function enqueuedRunMessageBody(request: RunRequest): string {
  try {
    return runMessageBody(request);
  } catch (error) {
    if (!(error instanceof InvalidRunRequestError)) throw error;
    throw new NonRetriableError(error.message, { cause: error });
  }
}

function issueOf(issue: z.core.$ZodIssue): { path: string; message: string } {
  return {
    path: issue.path.length > 0 ? issue.path.join('.') : 'message',
    message: issue.message,
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
