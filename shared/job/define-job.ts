import * as z from 'zod/mini';
import { type DefinitionIssue, JobDefinitionError, ScheduleExpressionError } from '../errors';
import { AtExpression } from '../schedule/at-expression';
import { schedulesCheckedAtSynth } from '../schedule/checked-at-synth';
import { ScheduleExpression } from '../schedule/schedule-expression';
import { closestName } from '../support/closest-name';
import { DEPLOYMENT_STRATEGIES } from './deployment';
import '../support/zod-messages';
import { bundledJobFile } from './bundled-job-file';
import { parseDurationSeconds } from './duration';
import {
  type AnyJobDefinition,
  type EnqueueDeclaration,
  type InputOf,
  JOB_DEFINITION,
  type JobDefinition,
  type JobOptions,
  QUEUE_CLASSES,
} from './job-definition';
import { jobFileFromStack, jobNameFromFile, jobNameProblem } from './job-name';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema';

const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
const DEFAULT_TIMEOUT_SECONDS = 60;

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

const alertRulesShape = {
  onFailure: z.optional(z.boolean({ error: 'must be true or false' })),
  onSuccess: z.optional(z.boolean({ error: 'must be true or false' })),
  onDurationOverMs: z.optional(
    z
      .int({ error: 'must be a whole number of milliseconds above 0' })
      .check(z.positive({ error: 'must be a whole number of milliseconds above 0' })),
  ),
  onDeadLetter: z.optional(z.boolean({ error: 'must be true or false' })),
  onMissed: z.optional(z.boolean({ error: 'must be true or false' })),
};

/** A whole number from `min` to `max`, with one message for every way of missing it. */
function wholeNumber(min: number, max: number, error: string) {
  return z.int({ error }).check(z.minimum(min, { error }), z.maximum(max, { error }));
}

const optionsSchema = z.strictObject({
  name: z.optional(z.string({ error: 'must be a string' })),
  displayName: z.optional(
    z
      .string({ error: 'must be text of 1 to 128 characters' })
      .check(
        z.trim(),
        z.minLength(1, { error: 'must be text of 1 to 128 characters' }),
        z.maxLength(128, { error: 'must be text of 1 to 128 characters' }),
      ),
  ),
  description: z.optional(
    z
      .string({ error: 'must be text of at most 2000 characters' })
      .check(z.maxLength(2000, { error: 'must be text of at most 2000 characters' })),
  ),
  schedule: z.optional(z.unknown()),
  queue: z.optional(z.enum(QUEUE_CLASSES, { error: `must be one of ${QUEUE_CLASSES.join(', ')}` })),
  retries: z.optional(wholeNumber(0, 10, 'must be a whole number from 0 to 10')),
  timeout: z.optional(z.unknown()),
  memoryMb: z.optional(
    wholeNumber(128, 10240, "must be a whole number of MB from 128 to 10240 (Lambda's limits)"),
  ),
  overlap: z.optional(z.enum(['allow', 'skip'], { error: "must be 'allow' or 'skip'" })),
  paused: z.optional(z.boolean({ error: 'must be true or false' })),
  deployment: z.optional(
    z.enum(DEPLOYMENT_STRATEGIES, {
      error: `must be one of ${DEPLOYMENT_STRATEGIES.join(', ')} (CDK's names of Lambda's deployment configurations)`,
    }),
  ),
  input: z.optional(
    z.custom<StandardSchemaV1>(isStandardSchema, {
      error: 'must be a zod schema (or another Standard Schema), such as z.object({ ... })',
    }),
  ),
  alerts: z.optional(
    z.strictObject(alertRulesShape, {
      error:
        'must be an object of alert rules: { onFailure, onSuccess, onDurationOverMs, onDeadLetter, onMissed }',
    }),
  ),
  enqueues: z.optional(
    z.array(
      z.union([z.string().check(z.minLength(1)), z.custom(isNamedTarget)], {
        error: "must be a job's name or its imported definition",
      }),
      {
        error:
          "must be a list of the jobs this one enqueues: their names or imported definitions, e.g. enqueues: [sendEmail, 'audit-log']",
      },
    ),
  ),
  deps: z.optional(
    z.custom(isFunction, {
      error: 'must be a function that builds the dependencies: deps: () => ({ db: new Db() })',
    }),
  ),
  run: z.custom(isFunction, {
    error: 'is required and must be a function: run: async (ctx) => JobResult.success()',
  }),
});

const KNOWN_OPTIONS = Object.keys(optionsSchema.shape);
const KNOWN_ALERT_RULES = Object.keys(alertRulesShape);
const SCHEDULE_KEYS = ['cron', 'rate', 'at', 'timezone'];

/**
 * Defines a job. A job file default-exports the result:
 *
 * ```ts
 * export default defineJob({
 *   schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
 *   input: z.object({ days: z.number().default(1) }).default({ days: 1 }),
 *   run: async (ctx) => JobResult.success(`Reported on ${ctx.input.days} days`),
 * });
 * ```
 *
 * Every option is checked here, so a bad definition fails when the file loads (in tests, at
 * discovery and at `cdk synth`) with a JobDefinitionError that lists each problem and its field.
 * The name defaults to the file name without `.job.ts`.
 */
export function defineJob<
  TSchema extends StandardSchemaV1 | undefined = undefined,
  TDeps = undefined,
  const TEnqueues extends readonly EnqueueDeclaration[] = readonly [],
>(options: JobOptions<TSchema, TDeps, TEnqueues>): JobDefinition<InputOf<TSchema>, TDeps> {
  const inferredName = options?.name === undefined ? inferNameFromCaller() : undefined;
  return buildDefinition(options, inferredName) as JobDefinition<InputOf<TSchema>, TDeps>;
}

/** A copy of `definition` named `name`, for definitions whose name comes from their file. */
export function withJobName<T extends AnyJobDefinition>(definition: T, name: string): T {
  const problem = jobNameProblem(name);
  if (problem) throw new JobDefinitionError(name, [{ field: 'name', message: problem }]);
  return Object.freeze({
    ...definition,
    name,
    displayName: definition.displayName ?? name,
  });
}

function inferNameFromCaller(): string | undefined {
  const file = jobFileFromStack(callerFrames()) ?? bundledJobFile();
  return file ? jobNameFromFile(file) : undefined;
}

/**
 * The files of the calling frames, one "at <file>" line each. Read from call sites rather than
 * `new Error().stack`, whose formatting (source-mapped under tsx and vitest) cost more than
 * everything else in loading a job file.
 */
function callerFrames(): string {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 12;
    Error.prepareStackTrace = (_error, sites) =>
      sites.map((site) => `    at ${site.getFileName() ?? '<anonymous>'}`).join('\n');
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, defineJob);
    return holder.stack ?? '';
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function buildDefinition(options: unknown, inferredName: string | undefined): AnyJobDefinition {
  const raw = (typeof options === 'object' && options !== null ? options : {}) as Record<
    string,
    unknown
  >;
  const explicitName = typeof raw.name === 'string' ? raw.name : undefined;
  const name = explicitName ?? inferredName;
  const issues: DefinitionIssue[] = [];

  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new JobDefinitionError(undefined, [
      { field: '(options)', message: 'defineJob takes an object of options: defineJob({ run })' },
    ]);
  }
  if (name !== undefined) {
    const problem = jobNameProblem(name);
    if (problem) {
      issues.push({
        field: 'name',
        message:
          explicitName === undefined
            ? `the file name gives the job its name, and ${problem}; rename the file or set name`
            : problem,
      });
    }
  }

  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) issues.push(...parsed.error.issues.flatMap((issue) => describe(issue, raw)));

  const timeoutSeconds = checkTimeout(raw.timeout, issues);
  const schedule = schedulesCheckedAtSynth ? undefined : checkSchedule(raw.schedule, issues);
  if (schedule && isStandardSchema(raw.input)) checkTickInput(raw.input, issues);

  if (issues.length > 0) throw new JobDefinitionError(name, issues);
  const valid = parsed.data as NonNullable<typeof parsed.data>;

  const definition = {
    [JOB_DEFINITION]: true as const,
    name,
    displayName: valid.displayName ?? name,
    description: valid.description,
    schedule,
    queue: valid.queue ?? 'default',
    retries: valid.retries ?? 3,
    timeoutSeconds: timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    memoryMb: valid.memoryMb ?? 256,
    overlap: valid.overlap ?? 'allow',
    paused: valid.paused ?? false,
    ...(valid.deployment !== undefined ? { deployment: valid.deployment } : {}),
    inputSchema: valid.input,
    // Rule by rule: a rule given as undefined takes its default, as an absent one does.
    alerts: Object.freeze({
      onFailure: valid.alerts?.onFailure ?? true,
      onSuccess: valid.alerts?.onSuccess ?? false,
      onDeadLetter: valid.alerts?.onDeadLetter ?? true,
      onMissed: valid.alerts?.onMissed ?? true,
      ...(valid.alerts?.onDurationOverMs !== undefined
        ? { onDurationOverMs: valid.alerts.onDurationOverMs }
        : {}),
    }),
    enqueues: Object.freeze([
      ...new Set(
        (valid.enqueues ?? []).map((target) =>
          typeof target === 'string' ? target : (target as { name: string }).name,
        ),
      ),
    ]),
    deps: valid.deps as AnyJobDefinition['deps'],
    run: valid.run as AnyJobDefinition['run'],
  };
  if (schedulesCheckedAtSynth && raw.schedule !== undefined) {
    scheduleParsedOnFirstRead(definition, raw.schedule);
  }
  return Object.freeze(definition);
}

/**
 * In a function's bundle, synth has checked the schedule (`at` times included, which have passed
 * by the time their run starts): it is parsed when first read, by the API or the run sweeper. A
 * job's worker never reads it, and starts without parsing it.
 */
function scheduleParsedOnFirstRead(definition: { schedule?: unknown }, value: unknown): void {
  let parsed: ScheduleExpression | undefined;
  Object.defineProperty(definition, 'schedule', {
    enumerable: true,
    get: () => {
      parsed ??= ScheduleExpression.parse(value as never);
      return parsed;
    },
  });
}

function isNamedTarget(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

function checkTimeout(value: unknown, issues: DefinitionIssue[]): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDurationSeconds(value);
  const got = `, got ${preview(value)}`;
  if (seconds === undefined) {
    issues.push({
      field: 'timeout',
      message: `must be a number of seconds or text such as '5 minutes' or '90 seconds'${got}`,
    });
  } else if (!Number.isInteger(seconds)) {
    issues.push({ field: 'timeout', message: `must be a whole number of seconds${got}` });
  } else if (seconds < 1 || seconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    issues.push({
      field: 'timeout',
      message: `must be from 1 second to 15 minutes (Lambda's limit)${got}`,
    });
  } else {
    return seconds;
  }
  return undefined;
}

function checkSchedule(value: unknown, issues: DefinitionIssue[]): ScheduleExpression | undefined {
  if (value === undefined) return undefined;
  let schedule: ScheduleExpression;
  try {
    schedule = ScheduleExpression.parse(value as never);
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError)) throw error;
    issues.push({
      field: error.field ? `schedule.${error.field}` : 'schedule',
      message: error.field === 'timezone' ? error.reason : error.message,
    });
    return undefined;
  }
  if (schedule instanceof AtExpression && schedule.fireTime.getTime() <= Date.now()) {
    issues.push({
      field: 'schedule.at',
      message: `${schedule.localDateTime} (${schedule.timezone}) is in the past, so the job would never run; set a future time, or delete the job file once it has run`,
    });
  }
  return schedule;
}

// Schedule ticks carry no input; a schema that rejects "no input" would reject every tick.
function checkTickInput(schema: StandardSchemaV1, issues: DefinitionIssue[]): void {
  const result = schema['~standard'].validate(undefined);
  if (result instanceof Promise || !result.issues) return;
  issues.push({
    field: 'input',
    message:
      'schedule ticks run with no input, and this schema rejects an empty input; make it optional or give it a default, e.g. z.object({ ... }).default({})',
  });
}

function describe(
  issue: z.core.$ZodIssue,
  raw: Readonly<Record<string, unknown>>,
): DefinitionIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.join('.');
    return issue.keys.map((key) => ({
      field: parent === '' ? key : `${parent}.${key}`,
      message: parent === 'alerts' ? unknownAlertRule(key) : unknownOption(key),
    }));
  }
  const field = issue.path.join('.');
  const value = issue.path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<PropertyKey, unknown>)[key as PropertyKey]
        : undefined,
    raw,
  );
  const got = value === undefined ? '' : `, got ${preview(value)}`;
  return [{ field, message: `${issue.message}${got}` }];
}

function unknownOption(key: string): string {
  if (SCHEDULE_KEYS.includes(key)) {
    return `is not an option of defineJob; it goes inside schedule: schedule: { ${key}: ... }`;
  }
  const hint = closestName(key, KNOWN_OPTIONS);
  return hint
    ? `is not an option of defineJob; did you mean "${hint}"?`
    : `is not an option of defineJob; the options are ${KNOWN_OPTIONS.join(', ')}`;
}

function unknownAlertRule(key: string): string {
  const hint = closestName(key, KNOWN_ALERT_RULES);
  return hint
    ? `is not an alert rule; did you mean "${hint}"?`
    : `is not an alert rule; the rules are ${KNOWN_ALERT_RULES.join(', ')} (who is alerted lives in the alert-config table)`;
}

// What was given, short enough for one line of an error: a long description or a large object
// is cut, and numbers JSON cannot show (NaN, Infinity) keep their own spelling.
function preview(value: unknown): string {
  const max = 60;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > max ? `${value.slice(0, max - 3)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'symbol') {
    return String(value);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
