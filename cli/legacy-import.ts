import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod/mini';
import { type AlertConfig, alertConfigSchema } from '../shared/alerts/alert-config';
import { JobsError, ScheduleExpressionError } from '../shared/errors';
import { MAX_JOB_NAME_LENGTH } from '../shared/job/job-name';
import { secondsFirstCron } from '../shared/schedule/quartz-cron';
import { ScheduleExpression } from '../shared/schedule/schedule-expression';
import { isValidTimeZone } from '../shared/schedule/time-zone';
import { jobFilePath, type RenderedSchedule, renderJobSource } from './job-template';

/** The format of a legacy export: CSV with a header row, or a JSON array of row objects. */
export type LegacyExportFormat = 'csv' | 'json';

/** One row of the legacy `c_Job` table, as an export gives it. */
export type LegacyJobRow = Readonly<z.output<typeof legacyRowSchema>> & {
  /** The row's position among the export's rows, from 1 (a CSV header is not counted). */
  readonly row: number;
  /** The line of a CSV export the row starts on (the header is line 1); undefined for JSON. */
  readonly line?: number;
};

export interface ConvertLegacyJobsOptions {
  /**
   * The IANA time zone the legacy crons ran in (the legacy server's).
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Names that are already taken, such as the project's existing jobs; an imported job that
   * would take one is renamed, as duplicates within the export are.
   * @default - none
   */
  readonly reservedNames?: Iterable<string>;
  /** Called after each row is converted, with how many are done out of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A job file to write for one legacy row. */
export interface ImportedJob {
  /** The job's name, which is also its file's name. */
  readonly name: string;
  /** Where to write the file, relative to the project root: `functions/jobs/<name>.job.ts`. */
  readonly path: string;
  /** The file's contents. */
  readonly source: string;
  /** The legacy row's JobName. */
  readonly legacyName: string;
  /** False for a legacy job with IsActive off, whose file says `paused: true`. */
  readonly active: boolean;
  /** The legacy row it comes from (see LegacyJobRow.row). */
  readonly row: number;
}

/** The alert config a legacy job's EmailOnFailure asks for. */
export interface ImportedAlertConfig {
  readonly jobName: string;
  /** Valid for alertConfigSchema, with its defaults filled in. */
  readonly config: AlertConfig;
}

/** Something about one legacy row that needs a person's attention. */
export interface ImportProblem {
  /** The legacy row (see LegacyJobRow.row). */
  readonly row: number;
  readonly legacyName?: string;
  readonly legacyId?: string;
  readonly reason: string;
  /**
   * True when the row gave no job (its cron cannot run on Scheduler, it has no name); false when
   * the job was still written, such as after a rename or with an email address left out.
   */
  readonly skipped: boolean;
}

export interface LegacyImportResult {
  /** In the order of the export's rows. */
  readonly jobs: readonly ImportedJob[];
  readonly alertConfigs: readonly ImportedAlertConfig[];
  /** In the order of the export's rows. */
  readonly problems: readonly ImportProblem[];
}

/** A legacy export, or the way it is to be converted, cannot be used; says where and why. */
export class LegacyImportError extends JobsError {
  override name = 'LegacyImportError';
}

type Column = keyof typeof legacyRowSchema.shape;

// Header names are matched ignoring case, spaces and underscores: "JobName", "job_name", "Job Name".
const COLUMNS: Readonly<Record<string, Column>> = {
  id: 'id',
  jobname: 'jobName',
  cronexpression: 'cronExpression',
  storedprocname: 'storedProcName',
  isactive: 'isActive',
  emailonfailure: 'emailOnFailure',
  emailrecipients: 'emailRecipients',
  lastrun: 'lastRun',
  nextrun: 'nextRun',
  lastresult: 'lastResult',
  failurecount: 'failureCount',
};
const COLUMN_HEADERS: Readonly<Record<Column, string>> = {
  id: 'ID',
  jobName: 'JobName',
  cronExpression: 'CronExpression',
  storedProcName: 'StoredProcName',
  isActive: 'IsActive',
  emailOnFailure: 'EmailOnFailure',
  emailRecipients: 'EmailRecipients',
  lastRun: 'LastRun',
  nextRun: 'NextRun',
  lastResult: 'LastResult',
  failureCount: 'FailureCount',
};
const REQUIRED_COLUMNS: readonly Column[] = ['jobName', 'cronExpression', 'storedProcName'];

/** A column a legacy export may have, for help texts. */
export interface LegacyExportColumn {
  /** As `c_Job` names it; a header matches it ignoring case, spaces and underscores. */
  readonly header: string;
  /** Whether the export must have the column (its cells may still be empty where `meaning` says). */
  readonly required: boolean;
  readonly meaning: string;
}

// In c_Job's order, then the column c_JobAlertRecipient adds when joined in.
const COLUMN_MEANINGS: readonly (readonly [Column, string])[] = [
  ['id', "the legacy row's ID, written into the job file's comment and the report"],
  ['jobName', "becomes the job's name (lower-case kebab, renamed if taken) and display name"],
  ['cronExpression', '5-field Unix cron, run in --timezone; an empty cell makes an on-demand job'],
  ['storedProcName', "the stored procedure the job's run must port (dbo. when it has no schema)"],
  ['isActive', '1/0, true/false or yes/no (default on); off writes the job with paused: true'],
  ['lastRun', "noted in the job file's comment"],
  ['nextRun', 'read and not used: the cron decides'],
  ['lastResult', "noted in the job file's comment"],
  ['failureCount', "noted in the job file's comment"],
  [
    'emailOnFailure',
    'on: the job gets a failure alert config in alert-config.import.json (default off)',
  ],
  [
    'emailRecipients',
    "not a c_Job column: c_JobAlertRecipient's addresses for the job, joined in, separated by ; or , (in JSON, an array too)",
  ],
];

/** Every column the importer reads, in c_Job's order, with whether it is required. */
export const LEGACY_EXPORT_COLUMNS: readonly LegacyExportColumn[] = COLUMN_MEANINGS.map(
  ([column, meaning]) => ({
    header: COLUMN_HEADERS[column],
    required: REQUIRED_COLUMNS.includes(column),
    meaning,
  }),
);
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'f']);

/** A cell as text: a string (trimmed), a number or a boolean; empty when the cell is. */
const cellText = z.pipe(
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.undefined()], {
    error: (issue) => `must be text or a number, got ${describeJson(issue.input)}`,
  }),
  z.transform((value) => (value === null || value === undefined ? '' : String(value).trim())),
);

/** A cell that may be empty, left out of the row when it is. */
const optionalText = z.optional(
  z.pipe(
    cellText,
    z.transform((text: string) => (text === '' ? undefined : text)),
  ),
);

/** An on/off cell: 1/0, true/false, yes/no, or `fallback` when empty. */
const flag = (fallback: boolean) =>
  z.pipe(
    cellText,
    z.transform((text: string, ctx) => {
      const word = text.toLowerCase();
      if (word === '') return fallback;
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `is "${word}", which is neither on (1, true, yes) nor off (0, false, no); check that the export's columns line up with its header`,
      });
      return z.NEVER;
    }),
  );

// Addresses as an Outlook-style list: "a@x.com; b@x.com" or "Ann <a@x.com>, b@x.com"; in JSON,
// an array of them too.
const recipients = z.pipe(
  z.pipe(
    z.transform((value: unknown) => (Array.isArray(value) ? value : [value])),
    z.array(cellText),
  ),
  z.transform((parts: string[]) => {
    const seen = new Set<string>();
    const addresses: string[] = [];
    for (const part of parts.flatMap((cell) => cell.split(/[;,]/))) {
      const address = (/<([^>]*)>/.exec(part)?.[1] ?? part).trim();
      const key = address.toLowerCase();
      if (address === '' || seen.has(key)) continue;
      seen.add(key);
      addresses.push(address);
    }
    return addresses;
  }),
);

/** A row's cells, by column. */
const legacyRowSchema = z.object({
  id: optionalText,
  jobName: cellText,
  /** 5-field Unix cron; empty when the legacy job had none. */
  cronExpression: cellText,
  storedProcName: cellText,
  /** @default true - when the export leaves IsActive empty or has no such column */
  isActive: flag(true),
  /** @default false - when the export leaves EmailOnFailure empty or has no such column */
  emailOnFailure: flag(false),
  /** From an `EmailRecipients` column (c_JobAlertRecipient joined in), split on `;` and `,`. */
  emailRecipients: recipients,
  lastRun: optionalText,
  nextRun: optionalText,
  lastResult: optionalText,
  failureCount: optionalText,
});
const MAX_RECIPIENTS = 50;
const MAX_DISPLAY_NAME_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 2000;

/** `csv` or `json`, from a file name's extension; throws LegacyImportError for any other. */
export function formatOf(fileName: string): LegacyExportFormat {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'json') return extension;
  throw new LegacyImportError(
    `Cannot tell whether "${fileName}" is CSV or JSON from its extension; export c_Job as .csv (with a header row) or .json (an array of rows) and import that file`,
  );
}

/**
 * Reads a legacy `c_Job` export into rows. CSV takes a header row (comma, semicolon or tab
 * separated, as the header shows) and quoted fields; JSON takes an array of row objects (keys
 * missing from a row, as FOR JSON leaves NULLs out, read as empty). Column names are matched
 * ignoring case, spaces and underscores, and JobName, CronExpression and StoredProcName are
 * required. Throws LegacyImportError naming the line or row of anything it cannot read.
 */
export function parseLegacyExport(text: string, format: LegacyExportFormat): LegacyJobRow[] {
  if (format === 'csv') return parseCsvExport(text);
  if (format === 'json') return parseJsonExport(text);
  throw new LegacyImportError(`Unknown export format "${String(format)}"; use "csv" or "json"`);
}

/**
 * Converts legacy rows into job files and alert configs. Each job keeps its legacy cron (in
 * `timezone`), documents the stored procedure it replaces, and throws a NonRetriableError
 * ("not ported yet: port dbo.X") from `run` until someone ports that procedure, so that nothing
 * runs by accident. A row that cannot become a job (a cron Scheduler cannot run, no JobName) is
 * reported in `problems` and left out; renames and left-out email addresses are reported too.
 * Throws LegacyImportError only for an unknown time zone, which would fail every row.
 */
export function convertLegacyJobs(
  rows: readonly LegacyJobRow[],
  options: ConvertLegacyJobsOptions = {},
): LegacyImportResult {
  const timezone = options.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) {
    throw new LegacyImportError(
      `Unknown time zone "${timezone}"; give the IANA name of the zone the legacy server ran its crons in, such as "Europe/London" or "America/New_York"`,
    );
  }
  const names = new JobNames(options.reservedNames ?? []);
  const schedules = new Map<string, RenderedSchedule | ScheduleExpressionError>();
  const jobs: ImportedJob[] = [];
  const alertConfigs: ImportedAlertConfig[] = [];
  const problems: ImportProblem[] = [];

  rows.forEach((row, index) => {
    const report = (reason: string, skipped = false) =>
      problems.push({
        row: row.row,
        ...(row.jobName.trim() === '' ? {} : { legacyName: row.jobName.trim() }),
        ...(row.id === undefined || row.id === '' ? {} : { legacyId: row.id }),
        reason,
        skipped,
      });
    convertRow(row, { timezone, names, schedules, jobs, alertConfigs, report });
    options.onProgress?.(index + 1, rows.length);
  });
  return { jobs, alertConfigs, problems };
}

/**
 * A legacy JobName as a job name: lower-case kebab ("Nightly Sales Report" and
 * "NightlySalesReport" give "nightly-sales-report"), accents dropped, at most 48 characters
 * (cut at a word where one is near). Empty when the name has no letter or digit to keep.
 */
export function jobNameFromLegacy(legacyName: string, maxLength = MAX_JOB_NAME_LENGTH): string {
  const kebab = legacyName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return shorten(kebab, maxLength);
}

interface RowContext {
  readonly timezone: string;
  readonly names: JobNames;
  readonly schedules: Map<string, RenderedSchedule | ScheduleExpressionError>;
  readonly jobs: ImportedJob[];
  readonly alertConfigs: ImportedAlertConfig[];
  readonly report: (reason: string, skipped?: boolean) => void;
}

function convertRow(row: LegacyJobRow, context: RowContext): void {
  const legacyName = row.jobName.trim().replace(/\s+/g, ' ');
  if (legacyName === '') {
    context.report(
      'JobName is empty, so the job has nothing to be called; give the row a JobName and import it again',
      true,
    );
    return;
  }

  const cron = row.cronExpression.trim().replace(/\s+/g, ' ');
  let schedule: RenderedSchedule | undefined;
  if (cron === '') {
    context.report(
      'CronExpression is empty; the job is written without a schedule, to run on demand only',
    );
  } else {
    const checked = scheduleFor(cron, context);
    if (checked instanceof ScheduleExpressionError) {
      context.report(`CronExpression "${cron}" cannot be converted: ${cronReason(checked)}`, true);
      return;
    }
    schedule = checked;
  }

  const name = context.names.claim(legacyName, row, context.report);
  const procedure = procedureName(row.storedProcName);
  if (!procedure) {
    context.report(
      `StoredProcName is empty, so the job's file cannot say what to port; find what the legacy job "${legacyName}" did`,
    );
  }
  const path = jobFilePath(name);
  context.jobs.push({
    name,
    path,
    source: renderJobSource({
      docComment: docComment(row, legacyName, name, procedure, schedule),
      displayName: clip(legacyName, MAX_DISPLAY_NAME_LENGTH),
      description: clip(
        procedure
          ? `Replaces the legacy job "${legacyName}" (stored procedure ${procedure}); not ported yet.`
          : `Replaces the legacy job "${legacyName}"; not ported yet.`,
        MAX_DESCRIPTION_LENGTH,
      ),
      schedule,
      paused: !row.isActive,
      body: {
        kind: 'not-ported',
        comment: `Port ${procedure ?? `what the legacy job "${legacyName}" did`} here, return a JobResult (JobResult.success('...') from '#shared') and delete the throw.`,
        errorMessage: `Job "${name}" is not ported yet: port ${procedure ?? `the legacy job "${legacyName}"`} into the run function of ${path}`,
      },
    }),
    legacyName,
    active: row.isActive,
    row: row.row,
  });

  if (row.emailOnFailure) {
    context.alertConfigs.push({
      jobName: name,
      config: alertConfigFor(name, row.emailRecipients, context.report),
    });
  }
}

function scheduleFor(
  cron: string,
  context: RowContext,
): RenderedSchedule | ScheduleExpressionError {
  // Exports repeat a handful of crons across thousands of rows: check each one once.
  let checked = context.schedules.get(cron);
  if (checked === undefined) {
    checked = checkedCron(cron, context.timezone);
    context.schedules.set(cron, checked);
  }
  return checked;
}

function checkedCron(cron: string, timezone: string): RenderedSchedule | ScheduleExpressionError {
  try {
    ScheduleExpression.parse({ cron, timezone });
    return { cron, timezone };
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error;
    throw error;
  }
}

function cronReason(error: ScheduleExpressionError): string {
  const fields = error.expression.trim().split(/\s+/).length;
  // The parser tells a seconds-first cron by its fields and already says to drop the seconds.
  // Any other legacy cron of 6 or 7 fields gets its advice for Scheduler's cron(...) form, which
  // a legacy export never meant: its crons are Unix or Quartz style.
  if (
    !/^cron\(/i.test(error.expression.trim()) &&
    (fields === 6 || fields === 7) &&
    !secondsFirstCron(error.expression)
  ) {
    return `${error.reason}. Legacy crons are 5-field Unix cron; one with ${fields} fields starts with seconds (Quartz style), which Scheduler cannot run: drop the seconds (and year) and check the schedule still means the same`;
  }
  return error.reason;
}

// A procedure without a schema ran in the legacy database's default one, dbo.
function procedureName(storedProcName: string): string | undefined {
  const name = storedProcName.trim();
  if (name === '') return undefined;
  return name.includes('.') ? name : `dbo.${name}`;
}

function docComment(
  row: LegacyJobRow,
  legacyName: string,
  name: string,
  procedure: string | undefined,
  schedule: RenderedSchedule | undefined,
): string[] {
  const id = row.id ? `ID ${row.id}, ` : '';
  const paragraphs = [
    procedure
      ? `Imported from the legacy c_Job table (${id}"${legacyName}"), where it ran the stored procedure ${procedure}. Port that procedure's work into run; until then every run fails, on purpose.`
      : `Imported from the legacy c_Job table (${id}"${legacyName}"), which recorded no stored procedure for it. Port its work into run; until then every run fails, on purpose.`,
  ];
  if (!schedule) {
    paragraphs.push(
      `The legacy job had no cron, so this one has no schedule: run it with npx jobctl run ${name}.`,
    );
  }
  const history = [
    row.lastRun ? `last ran ${row.lastRun}` : '',
    row.lastResult ? `result "${row.lastResult}"` : '',
    row.failureCount ? `${row.failureCount} failures` : '',
  ].filter((part) => part !== '');
  if (history.length > 0) paragraphs.push(`In the legacy system it ${history.join(', ')}.`);
  if (!row.isActive) {
    paragraphs.push(
      `The legacy job was inactive (IsActive off), so this one starts paused (paused: true), locally and when deployed: resume it with npx jobctl resume ${name} once it is ported, or delete the file.`,
    );
  }
  return paragraphs;
}

function alertConfigFor(
  name: string,
  recipients: readonly string[],
  report: RowContext['report'],
): AlertConfig {
  const parsed = alertConfigSchema.safeParse({ onFailure: true, emailRecipients: recipients });
  const bad = new Set<number>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      if (field === 'emailRecipients' && typeof index === 'number') {
        bad.add(index);
        report(
          `EmailRecipients has "${recipients[index]}", which ${issue.message.toLowerCase()}; it is left out of the alert config of "${name}"`,
        );
      }
    }
  }
  let valid = recipients.filter((_, index) => !bad.has(index));
  if (valid.length > MAX_RECIPIENTS) {
    report(
      `EmailRecipients lists ${valid.length} addresses, and an alert config takes at most ${MAX_RECIPIENTS}; the alert config of "${name}" keeps the first ${MAX_RECIPIENTS}`,
    );
    valid = valid.slice(0, MAX_RECIPIENTS);
  }
  if (valid.length === 0) {
    report(
      `EmailOnFailure is on but the export gives no valid EmailRecipients; add them to the alert config of "${name}" (or export c_Job joined with c_JobAlertRecipient as an EmailRecipients column)`,
    );
  }
  return alertConfigSchema.parse({ onFailure: true, emailRecipients: valid });
}

/** Hands out unique job names, remembering which row took each. */
class JobNames {
  private readonly takenBy = new Map<string, number | 'reserved'>();
  // The next suffix to try for each name, so that a thousand "Report" rows stay linear.
  private readonly nextSuffix = new Map<string, number>();

  constructor(reserved: Iterable<string>) {
    for (const name of reserved) this.takenBy.set(name, 'reserved');
  }

  claim(legacyName: string, row: LegacyJobRow, report: RowContext['report']): string {
    const full = jobNameFromLegacy(legacyName, Number.POSITIVE_INFINITY);
    let base = shorten(full, MAX_JOB_NAME_LENGTH);
    if (base === '') {
      base = `legacy-job-${jobNameFromLegacy(row.id ?? '') || row.row}`;
      report(
        `JobName "${legacyName}" has no letter or digit a job name can keep (a-z, 0-9); the job is named "${base}"`,
      );
    } else if (base !== full) {
      report(
        `JobName "${legacyName}" is longer than a job name may be (${MAX_JOB_NAME_LENGTH} characters); the job is named "${base}"`,
      );
    }
    let name = base;
    if (this.takenBy.has(name)) {
      let suffix = this.nextSuffix.get(base) ?? 2;
      do {
        name = `${shorten(base, MAX_JOB_NAME_LENGTH - `-${suffix}`.length)}-${suffix}`;
        suffix += 1;
      } while (this.takenBy.has(name));
      this.nextSuffix.set(base, suffix);
      const holder = this.takenBy.get(base);
      const owner = holder === 'reserved' ? 'an existing job' : `row ${holder}`;
      report(`The job name "${base}" is taken by ${owner}; this job is named "${name}"`);
    }
    this.takenBy.set(name, row.row);
    return name;
  }
}

// At most `maxLength` UTF-16 units, as defineJob counts them, without splitting a character.
function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return text
    .slice(0, maxLength)
    .replace(/[\ud800-\udbff]$/, '')
    .trim();
}

// Cut at a hyphen when one is in the second half, so that the name ends on a whole word.
function shorten(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const head = name.slice(0, maxLength + 1);
  const hyphen = head.lastIndexOf('-');
  const cut = hyphen >= maxLength / 2 ? head.slice(0, hyphen) : name.slice(0, maxLength);
  return cut.replace(/-+$/, '');
}

// --- Reading exports ---

type Cell = string | number | boolean | null | undefined | readonly unknown[];

interface RowSource {
  readonly row: number;
  readonly line?: number;
  /** How messages name the row: "line 5" or "row 3". */
  readonly where: string;
}

function parseCsvExport(text: string): LegacyJobRow[] {
  const delimiter = delimiterOf(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // The option types do not say that info wraps each record.
    records = parseCsv(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new LegacyImportError(
      `The CSV export cannot be read: ${(error as Error).message}. A field holding the separator ("${delimiter}"), quotes or line breaks must be in double quotes, with quotes inside it doubled ("")`,
      { cause: error },
    );
  }
  const [header, ...data] = records;
  if (!header) {
    throw new LegacyImportError(
      `The CSV export is empty; it needs a header row (${Object.values(COLUMN_HEADERS).join(', ')}) and a row per job`,
    );
  }
  const columns = header.record.map((name) => columnOf(name));
  checkColumns(header.record, columns, 'The CSV header');
  return data.map((entry, index) => {
    // info.lines counts to the record's last line; a quoted field can span several.
    const line = entry.info.lines - entry.record.reduce((sum, field) => sum + newlinesIn(field), 0);
    const cells = new Map<Column, Cell>();
    entry.record.forEach((value, position) => {
      const column = columns[position];
      if (column) cells.set(column, value);
    });
    return rowFrom(cells, { row: index + 1, line, where: `line ${line}` });
  });
}

function newlinesIn(field: string): number {
  return field.includes('\n') ? field.split('\n').length - 1 : 0;
}

function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((candidate) => ({
    candidate,
    count: firstLine.split(candidate).length - 1,
  }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0]?.count ? counts[0].candidate : ',';
}

function parseJsonExport(text: string): LegacyJobRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? '' : ` (${lineAndColumn(text, Number(position))})`;
    const shown = message.length > 300 ? `${message.slice(0, 297)}...` : message;
    throw new LegacyImportError(`The JSON export is not valid JSON${where}: ${shown}`, {
      cause: error,
    });
  }
  if (!Array.isArray(value)) {
    throw new LegacyImportError(
      `The JSON export must be an array of rows, [{ "ID": 1, "JobName": "...", "CronExpression": "0 2 * * *", ... }], got ${describeJson(value)}`,
    );
  }
  const seen = new Set<Column>();
  const rows = value.map((item: unknown, index) => {
    const source = { row: index + 1, where: `row ${index + 1} (index ${index})` };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new LegacyImportError(
        `The JSON export's ${source.where} must be an object of columns, got ${describeJson(item)}`,
      );
    }
    const keys = Object.keys(item);
    const columns = keys.map((key) => columnOf(key));
    checkColumns(keys, columns, `The JSON export's ${source.where}`, false);
    const cells = new Map<Column, Cell>();
    keys.forEach((key, position) => {
      const column = columns[position];
      if (!column) return;
      seen.add(column);
      cells.set(column, (item as Record<string, Cell>)[key]);
    });
    return rowFrom(cells, source);
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !seen.has(column));
  if (rows.length > 0 && missing.length > 0) {
    throw new LegacyImportError(
      `No row of the JSON export has ${missing.map((column) => COLUMN_HEADERS[column]).join(', ')}; export the c_Job table's columns (${Object.values(COLUMN_HEADERS).join(', ')})`,
    );
  }
  return rows;
}

function columnOf(header: string): Column | undefined {
  return COLUMNS[header.toLowerCase().replace(/[^a-z0-9]/g, '')];
}

function checkColumns(
  names: readonly string[],
  columns: readonly (Column | undefined)[],
  subject: string,
  requireAll = true,
): void {
  const duplicate = columns.find(
    (column, index) => column !== undefined && columns.indexOf(column) !== index,
  );
  if (duplicate) {
    const spellings = names.filter((_, index) => columns[index] === duplicate);
    throw new LegacyImportError(
      `${subject} has the ${COLUMN_HEADERS[duplicate]} column more than once (${spellings.map((name) => `"${name}"`).join(', ')}); keep one`,
    );
  }
  const missing = requireAll ? REQUIRED_COLUMNS.filter((column) => !columns.includes(column)) : [];
  if (missing.length > 0) {
    throw new LegacyImportError(
      `${subject} has no ${missing.map((column) => COLUMN_HEADERS[column]).join(', ')} column; found ${names.map((name) => `"${name}"`).join(', ')}. Export the c_Job table's columns: ${Object.values(COLUMN_HEADERS).join(', ')}`,
    );
  }
}

function rowFrom(cells: ReadonlyMap<Column, Cell>, source: RowSource): LegacyJobRow {
  // Every column, an absent one as undefined: the schema says what an empty cell means.
  const columns = Object.keys(legacyRowSchema.shape) as Column[];
  const parsed = legacyRowSchema.safeParse(
    Object.fromEntries(columns.map((column) => [column, cells.get(column)])),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${COLUMN_HEADERS[issue.path[0] as Column]} on ${source.where} ${issue.message}`,
    );
    throw new LegacyImportError(problems.join('; '));
  }
  const fields = Object.entries(parsed.data).filter(([, value]) => value !== undefined);
  return {
    row: source.row,
    ...(source.line === undefined ? {} : { line: source.line }),
    ...(Object.fromEntries(fields) as z.output<typeof legacyRowSchema>),
  };
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
