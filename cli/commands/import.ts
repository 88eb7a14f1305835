import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_JOBS_DIR, findJobFiles } from '../../discovery/index';
import { commandLine } from '../arguments';
import type { CommandContext } from '../command-context';
import { CliError } from '../errors';
import { table } from '../format';
import type { CliIo } from '../io';
import { writeLines } from '../io';
import {
  convertLegacyJobs,
  formatOf,
  type ImportedJob,
  type ImportProblem,
  LEGACY_EXPORT_COLUMNS,
  type LegacyImportResult,
  type LegacyJobRow,
  parseLegacyExport,
} from '../legacy-import';

export interface ImportOptions {
  readonly timezone?: string;
  readonly dryRun?: boolean;
}

/** Where the imported alert configs go, keyed by job name as the alert-config table is. */
export const ALERT_CONFIG_FILE = 'alert-config.import.json';
/** Exports with at least this many rows show their progress. */
export const PROGRESS_MIN_ROWS = 500;
/** Files listed one by one; beyond this, a count. */
const LISTED_FILES = 50;

/** `jobctl import <file>`: turns a legacy `c_Job` export into job files and alert configs. */
export function addImportCommand(program: Command, context: CommandContext): void {
  program
    .command('import')
    .description(
      'turn a legacy c_Job export (.csv or .json) into job files, never overwriting one, and its alerts into alert-config.import.json',
    )
    .argument('<file>', 'the export: .csv with a header row, or .json (an array of rows)')
    .option(
      '--timezone <zone>',
      'the IANA time zone the legacy server ran its crons in (default: UTC)',
    )
    .option('--dry-run', 'show what would be written, and write nothing')
    .addHelpText('after', exportFormatHelp())
    .action((file: string, options: ImportOptions) => importLegacyJobs(context, file, options));
}

const EXAMPLE_CSV = [
  'ID,JobName,CronExpression,StoredProcName,IsActive,LastRun,NextRun,LastResult,FailureCount,EmailOnFailure,EmailRecipients',
  '7,Nightly Sales Report,0 2 * * *,dbo.usp_NightlySales,1,2024-05-01 02:00:03,2024-05-02 02:00:00,Success,0,1,ops@example.com;sales@example.com',
];
const EXAMPLE_JSON = [
  '[{ "ID": 7, "JobName": "Nightly Sales Report", "CronExpression": "0 2 * * *",',
  '   "StoredProcName": "dbo.usp_NightlySales", "IsActive": 1, "EmailOnFailure": 1,',
  '   "EmailRecipients": ["ops@example.com", "sales@example.com"] }]',
];

/** The export's columns and an example of each format, after the options in --help. */
function exportFormatHelp(): string {
  const width = Math.max(...LEGACY_EXPORT_COLUMNS.map((column) => column.header.length));
  return [
    '',
    'The export: the c_Job table, with c_JobAlertRecipient joined in for EmailRecipients.',
    'Headers match ignoring case, spaces and underscores (JobName, job_name); other columns are ignored.',
    '',
    'Columns:',
    ...LEGACY_EXPORT_COLUMNS.map(
      (column) =>
        `  ${column.header.padEnd(width)}  ${column.required ? 'required' : 'optional'}  ${column.meaning}`,
    ),
    '',
    'CSV: a header row, then a row per job; separated by commas, semicolons or tabs, as the header is;',
    'a field holding the separator, quotes or line breaks in double quotes. For example:',
    ...EXAMPLE_CSV.map((line) => `  ${line}`),
    '',
    'JSON: an array of row objects, as SQL Server FOR JSON PATH writes them (a NULL left out reads as empty). For example:',
    ...EXAMPLE_JSON.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

export async function importLegacyJobs(
  context: CommandContext,
  file: string,
  options: ImportOptions,
): Promise<void> {
  const { io } = context;
  const rows = await readExport(io, file);
  const progress = progressReporter(io, rows.length);
  const result = withImportErrors(() =>
    convertLegacyJobs(rows, {
      ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
      onProgress: progress,
    }),
  );

  const existing = existingJobFiles(io.projectRoot);
  const written: ImportedJob[] = [];
  const leftAlone: { job: ImportedJob; path: string }[] = [];
  for (const job of result.jobs) {
    const clash = existing.get(`${job.name}.job.ts`);
    if (clash !== undefined) {
      leftAlone.push({ job, path: clash });
      continue;
    }
    if (!options.dryRun && !(await writeNewFile(join(io.projectRoot, job.path), job.source))) {
      leftAlone.push({ job, path: job.path });
      continue;
    }
    written.push(job);
  }
  // A job file left alone is not this row's job, or is one already running with an alert
  // config of its own: the row's config (often no recipients at all) must not reach it.
  const writtenNames = new Set(written.map((job) => job.name));
  const alertConfigs = result.alertConfigs.filter(({ jobName }) => writtenNames.has(jobName));
  if (!options.dryRun && alertConfigs.length > 0) {
    const configs = Object.fromEntries(
      alertConfigs.map(({ jobName, config }) => [jobName, config]),
    );
    await writeFile(
      join(io.projectRoot, ALERT_CONFIG_FILE),
      `${JSON.stringify(configs, null, 2)}\n`,
    );
  }

  writeLines(
    io.stdout,
    report({ ...result, alertConfigs }, written, leftAlone, options.dryRun === true),
  );
  const notImported = result.problems.filter((problem) => problem.skipped);
  if (notImported.length > 0) {
    throw new CliError(
      `${notImported.length === 1 ? '1 row was' : `${notImported.length} rows were`} not imported (see above): fix ${notImported.length === 1 ? 'it' : 'them'} in the export and import it again; files already written are left alone.`,
    );
  }
}

async function readExport(io: CliIo, file: string): Promise<LegacyJobRow[]> {
  const path = resolve(io.cwd, file);
  const format = withImportErrors(() => formatOf(basename(path)));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === 'ENOENT'
        ? `There is no file ${path}: pass the path of the c_Job export (.csv or .json).`
        : `Cannot read ${path}: ${code ?? (error as Error).message}.`,
    );
  }
  return withImportErrors(() => parseLegacyExport(text.replace(/^\uFEFF/, ''), format));
}

/** The importer's own errors (a bad file, an unknown time zone) as CLI errors. */
function withImportErrors<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof Error && error.name === 'LegacyImportError') {
      throw new CliError(error.message);
    }
    throw error;
  }
}

/** For a large export, a line on stderr at each tenth of the rows. */
function progressReporter(io: CliIo, total: number): (done: number, total: number) => void {
  if (total < PROGRESS_MIN_ROWS) return () => {};
  let shown = 0;
  io.stderr.write(`Converting ${total} rows...\n`);
  return (done, of) => {
    const tenth = Math.floor((done / of) * 10);
    if (tenth > shown) {
      shown = tenth;
      io.stderr.write(`  ${done}/${of} rows (${tenth * 10}%)\n`);
    }
  };
}

/** Job files already in the project, by file name (a subfolder's included). */
function existingJobFiles(projectRoot: string): Map<string, string> {
  const jobsDir = join(projectRoot, DEFAULT_JOBS_DIR);
  let files: string[];
  try {
    files = findJobFiles(jobsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  return new Map(
    files.map((file) => [
      basename(file),
      file
        .slice(projectRoot.length + 1)
        .split('\\')
        .join('/'),
    ]),
  );
}

/** Writes the file unless it exists; answers whether it wrote it. */
async function writeNewFile(path: string, contents: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, contents, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function report(
  result: LegacyImportResult,
  written: readonly ImportedJob[],
  leftAlone: readonly { job: ImportedJob; path: string }[],
  dryRun: boolean,
): string[] {
  const lines: string[] = [];
  const verb = dryRun ? 'Would create' : 'Created';
  lines.push(
    written.length === 0
      ? `${dryRun ? 'Would create' : 'Created'} no job files.`
      : `${verb} ${written.length === 1 ? '1 job file' : `${written.length} job files`}:`,
  );
  if (written.length > 0) {
    const listed = written.slice(0, LISTED_FILES);
    lines.push(
      ...table(
        ['FILE', 'LEGACY JOB'],
        listed.map((job) => [job.path, job.legacyName]),
      ).map((line) => `  ${line}`),
    );
    if (written.length > listed.length) {
      lines.push(`  ... and ${written.length - listed.length} more in ${DEFAULT_JOBS_DIR}/`);
    }
    lines.push(
      '',
      'Each one fails with "not ported yet" until its stored procedure is ported into run().',
    );
  }
  if (leftAlone.length > 0) {
    lines.push(
      '',
      `Left alone, because a job file of that name exists (rename it if it is not this legacy job, and import again):`,
      ...leftAlone.map(({ job, path }) => `  ${path} (${job.legacyName})`),
    );
  }
  if (result.alertConfigs.length > 0) {
    lines.push(
      '',
      `${dryRun ? 'Would write' : 'Wrote'} ${result.alertConfigs.length === 1 ? '1 alert config' : `${result.alertConfigs.length} alert configs`} to ${ALERT_CONFIG_FILE}, keyed by job name as the alert-config table is.`,
      `Once the jobs run (npm run dev, or deployed), apply them with: npx jobctl alerts --import ${ALERT_CONFIG_FILE}`,
    );
  }
  const notImported = result.problems.filter((problem) => problem.skipped);
  const notes = result.problems.filter((problem) => !problem.skipped);
  if (notImported.length > 0) {
    lines.push('', 'Not imported:', ...notImported.map(describeProblem));
  }
  if (notes.length > 0) {
    lines.push('', 'Imported, with a note:', ...notes.map(describeProblem));
  }
  const inactive = written.filter((job) => !job.active);
  if (inactive.length > 0) {
    const one = inactive.length === 1;
    lines.push(
      '',
      `Inactive in the legacy system (IsActive = 0), so ${one ? 'its file says' : 'their files say'} paused: true: ${one ? 'it starts' : 'they start'} paused, locally and when deployed, until resumed with ${commandLine('resume')} <name>:`,
      ...inactive.map((job) => `  ${job.name}`),
    );
  }
  return lines;
}

function describeProblem(problem: ImportProblem): string {
  const name = problem.legacyName !== undefined ? ` (${problem.legacyName})` : '';
  return `  row ${problem.row}${name}: ${problem.reason}`;
}
