import { DEFAULT_JOBS_DIR } from '../discovery/index';
import { JobsError, ScheduleExpressionError } from '../shared/errors';
import { jobNameProblem } from '../shared/job/job-name';
import { ScheduleExpression } from '../shared/schedule/schedule-expression';

/** How `jobctl new` schedules a job: a cron expression in a time zone, or a rate. */
export type JobTemplateSchedule =
  | { readonly cron: string; readonly timezone?: string }
  | { readonly rate: string };

/** What `jobctl new` knows about the job it creates. */
export interface JobTemplateSpec {
  /** The job's name: lower-case kebab, at most 48 characters. It names the file too. */
  readonly name: string;
  /**
   * When the job runs.
   * @default - no schedule: the job runs on demand only (`jobctl run <name>`, the API, `ctx.enqueue`)
   */
  readonly schedule?: JobTemplateSchedule;
  /**
   * What the job does, for `jobctl list`, the dashboard and alerts.
   * @default - a sentence saying when the job runs
   */
  readonly description?: string;
  /**
   * The name people read.
   * @default - the name in words: "Nightly sync" for `nightly-sync`
   */
  readonly displayName?: string;
}

/** The part of a job template that is wrong, so that a CLI can point at the flag that set it. */
export type JobTemplateField =
  | 'name'
  | 'schedule'
  | 'cron'
  | 'rate'
  | 'timezone'
  | 'description'
  | 'displayName';

/** A job file cannot be written from what was given; the message says what to change. */
export class JobTemplateError extends JobsError {
  override name = 'JobTemplateError';

  constructor(
    message: string,
    readonly field: JobTemplateField,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A schedule as a job file writes it, already checked. */
export type RenderedSchedule =
  | { readonly cron: string; readonly timezone: string }
  | { readonly rate: string };

/**
 * What a generated `run` does: `starter` logs and succeeds, for a new job to fill in;
 * `not-ported` throws a NonRetriableError, for an imported job whose work is still elsewhere.
 */
export type JobBody =
  | { readonly kind: 'starter' }
  | {
      readonly kind: 'not-ported';
      /** Where the work must come from, as a comment at the top of `run`. */
      readonly comment: string;
      /** The message of the error every run fails with until the job is ported. */
      readonly errorMessage: string;
    };

/** Everything a generated job file is made of. Texts are written as given: check them first. */
export interface JobSourceParts {
  /** Paragraphs of the comment above `defineJob`. */
  readonly docComment: readonly string[];
  readonly displayName: string;
  readonly description: string;
  /** @default - no schedule: the job runs on demand only */
  readonly schedule?: RenderedSchedule | undefined;
  /** Writes `paused: true`: the job starts paused. @default false */
  readonly paused?: boolean;
  readonly body: JobBody;
}

// Biome's settings for this repository (biome.json): generated files must pass `biome check`
// unchanged, because `npm test` runs it over functions/jobs.
const LINE_WIDTH = 100;
const INDENT = '  ';
const MAX_DISPLAY_NAME_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 2000;

/**
 * The path of a job's file, relative to the project root and with forward slashes:
 * `functions/jobs/<name>.job.ts`. Throws JobTemplateError for a name that is not a valid job
 * name, so that no path is ever built from one.
 */
export function jobFilePath(name: string): string {
  assertJobName(name);
  return `${DEFAULT_JOBS_DIR}/${name}.job.ts`;
}

/**
 * The source of a new job file: a description, the schedule (none for an on-demand job) and a
 * `run` that logs and succeeds, with a comment saying where the work goes. Checks the name and
 * the schedule as `defineJob` would, and throws JobTemplateError saying what to change, so that
 * the file it returns always loads.
 *
 * @example
 * renderJobFile({ name: 'nightly-sync', schedule: { cron: '0 2 * * *', timezone: 'Europe/London' } });
 */
export function renderJobFile(spec: JobTemplateSpec): string {
  assertJobName(spec.name);
  const schedule = checkSchedule(spec.name, spec.schedule);
  const displayName = checkText(
    spec.displayName,
    'displayName',
    MAX_DISPLAY_NAME_LENGTH,
    spec.name,
  );
  const description = checkText(spec.description, 'description', MAX_DESCRIPTION_LENGTH, spec.name);
  const summary = description ?? defaultDescription(spec.name, schedule);
  // The default description of an on-demand job already says how to run it.
  const docComment =
    schedule || description === undefined
      ? [summary]
      : [summary, `It has no schedule: run it with npx jobctl run ${spec.name}.`];
  return renderJobSource({
    docComment,
    displayName: displayName ?? wordsOf(spec.name),
    description: summary,
    schedule,
    body: { kind: 'starter' },
  });
}

/**
 * The source of a job file from its parts, laid out as Biome formats this repository's code.
 * `renderJobFile` and the legacy importer both build on it; it checks nothing.
 */
export function renderJobSource(parts: JobSourceParts): string {
  const imports =
    parts.body.kind === 'starter' ? 'defineJob, JobResult' : 'defineJob, NonRetriableError';
  const lines = [
    `import { ${imports} } from '#shared';`,
    '',
    ...docCommentLines(parts.docComment),
    'export default defineJob({',
    ...property(INDENT, 'displayName', stringLiteral(parts.displayName)),
    ...property(INDENT, 'description', stringLiteral(parts.description)),
    ...(parts.schedule ? scheduleLines(parts.schedule) : []),
    ...(parts.paused ? [`${INDENT}paused: true,`] : []),
    ...runLines(parts.body),
    '});',
    '',
  ];
  return lines.join('\n');
}

// Checked as defineJob will check it, and returned as the file should write it: the text as
// given (whitespace tidied), with the time zone spelt out for cron.
function checkSchedule(
  jobName: string,
  schedule: JobTemplateSchedule | undefined,
): RenderedSchedule | undefined {
  if (schedule === undefined) return undefined;
  let parsed: ScheduleExpression;
  try {
    parsed = ScheduleExpression.parse(schedule);
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError)) throw error;
    const field = (error.field ?? 'schedule') as JobTemplateField;
    // A time zone's reason names the zone; the general message would call the zone "a schedule".
    const problem = field === 'timezone' ? error.reason : error.message;
    throw new JobTemplateError(`Cannot create job "${jobName}": ${problem}`, field, {
      cause: error,
    });
  }
  if (parsed.kind === 'cron' && 'cron' in schedule) {
    return { cron: tidy(schedule.cron), timezone: parsed.timezone };
  }
  if (parsed.kind === 'rate' && 'rate' in schedule) return { rate: tidy(schedule.rate) };
  throw new JobTemplateError(
    `Cannot create job "${jobName}": a new job takes a cron or a rate schedule, or none; write a one-off { at } schedule in the file by hand`,
    'schedule',
  );
}

function assertJobName(name: string): void {
  const problem = typeof name === 'string' ? jobNameProblem(name) : 'must be a string';
  if (problem) throw new JobTemplateError(`Invalid job name: ${problem}`, 'name');
}

function checkText(
  value: string | undefined,
  field: 'displayName' | 'description',
  maxLength: number,
  jobName: string,
): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (text.length > maxLength) {
    throw new JobTemplateError(
      `Cannot create job "${jobName}": the ${field} is ${text.length} characters long, and a job's ${field} has at most ${maxLength}; shorten it`,
      field,
    );
  }
  return text;
}

function defaultDescription(name: string, schedule: RenderedSchedule | undefined): string {
  if (!schedule) return `Runs on demand: npx jobctl run ${name}.`;
  if ('rate' in schedule) {
    return `Runs every ${schedule.rate.replace(/^rate\((.*)\)$/i, '$1').trim()}.`;
  }
  return `Runs on the cron schedule "${schedule.cron}", ${schedule.timezone} time.`;
}

/** `nightly-sync` as words: "Nightly sync". */
function wordsOf(name: string): string {
  const words = name.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function tidy(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function scheduleLines(schedule: RenderedSchedule): string[] {
  const entries: [string, string][] =
    'rate' in schedule
      ? [['rate', stringLiteral(schedule.rate)]]
      : [
          ['cron', stringLiteral(schedule.cron)],
          ['timezone', stringLiteral(schedule.timezone)],
        ];
  const oneLine = `${INDENT}schedule: { ${entries.map(([key, value]) => `${key}: ${value}`).join(', ')} },`;
  if (width(oneLine) <= LINE_WIDTH) return [oneLine];
  return [
    `${INDENT}schedule: {`,
    ...entries.flatMap(([key, value]) => property(INDENT + INDENT, key, value)),
    `${INDENT}},`,
  ];
}

function runLines(body: JobBody): string[] {
  const inner = INDENT + INDENT;
  if (body.kind === 'starter') {
    return [
      `${INDENT}run: async (ctx) => {`,
      ...lineComment(
        inner,
        "Put the job's work here. Build clients in `deps` (once per container, and replaceable in tests), pass ctx.signal to anything slow so the run stops before its timeout, and return JobResult.failure(...) or throw to fail the run (it is retried).",
      ),
      `${inner}ctx.logger.info('Job started', { trigger: ctx.trigger });`,
      `${inner}return JobResult.success('Done');`,
      `${INDENT}},`,
    ];
  }
  return [
    `${INDENT}run: async () => {`,
    ...lineComment(inner, body.comment),
    ...callStatement(inner, 'throw new NonRetriableError(', stringLiteral(body.errorMessage), ');'),
    `${INDENT}},`,
  ];
}

/** `key: value,` on one line, or the value on the next when the line would be too long. */
function property(indent: string, key: string, value: string): string[] {
  const oneLine = `${indent}${key}: ${value},`;
  if (width(oneLine) <= LINE_WIDTH) return [oneLine];
  return [`${indent}${key}:`, `${indent}${INDENT}${value},`];
}

/** A call with one argument, which moves to a line of its own when the call is too long. */
function callStatement(indent: string, open: string, argument: string, close: string): string[] {
  const oneLine = `${indent}${open}${argument}${close}`;
  if (width(oneLine) <= LINE_WIDTH) return [oneLine];
  return [`${indent}${open}`, `${indent}${INDENT}${argument},`, `${indent}${close}`];
}

function docCommentLines(paragraphs: readonly string[]): string[] {
  const texts = paragraphs.map(commentText).filter((text) => text !== '');
  if (texts.length === 0) return [];
  const single = `/** ${texts[0]} */`;
  if (texts.length === 1 && width(single) <= LINE_WIDTH) return [single];
  const body = texts.flatMap((text, index) => [
    ...(index > 0 ? [' *'] : []),
    ...wrap(text, LINE_WIDTH - ' * '.length).map((line) => ` * ${line}`),
  ]);
  return ['/**', ...body, ' */'];
}

function lineComment(indent: string, text: string): string[] {
  const prefix = `${indent}// `;
  return wrap(commentText(text), LINE_WIDTH - prefix.length).map((line) => `${prefix}${line}`);
}

// Text from outside (a legacy job's name) must not end the comment it is written in.
function commentText(text: string): string {
  return tidy(text).replaceAll('*/', '*\\/');
}

function wrap(text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const ascii = isPlainAscii(text);
  for (const word of text.split(' ')) {
    const wordWidth = ascii ? word.length : width(word);
    if (line !== '' && lineWidth + 1 + wordWidth > maxWidth) {
      lines.push(line);
      line = word;
      lineWidth = wordWidth;
    } else {
      line = line === '' ? word : `${line} ${word}`;
      lineWidth += (lineWidth === 0 ? 0 : 1) + wordWidth;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * `text` as a string literal in the quotes Biome would choose: single, unless the text holds
 * more single quotes than double ones.
 */
export function stringLiteral(text: string): string {
  const singles = text.split("'").length - 1;
  const doubles = text.split('"').length - 1;
  const quote = singles > doubles ? '"' : "'";
  const special = quote === "'" ? /[\\'\p{Cc}\u2028\u2029]/gu : /[\\"\p{Cc}\u2028\u2029]/gu;
  const escaped = text.replace(special, (char) => {
    if (char === '\\' || char === quote) return `\\${char}`;
    return ESCAPES[char] ?? `\\u${char.codePointAt(0)?.toString(16).padStart(4, '0') ?? '0000'}`;
  });
  return `${quote}${escaped}${quote}`;
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// The columns a line takes, as Biome counts them for its line width: East Asian wide
// characters and emoji take two, combining marks none.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200b-\u200f]/u;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

function width(line: string): number {
  // Plain ASCII, nearly every line, needs no look at each character.
  if (isPlainAscii(line)) return line.length;
  let columns = 0;
  for (const char of line) {
    if (ZERO_WIDTH.test(char)) continue;
    columns += WIDE.test(char) ? 2 : 1;
  }
  return columns;
}
