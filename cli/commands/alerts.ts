import type { Command } from 'commander';
import { alertConfigSchema } from '../../shared/alerts/alert-config';
import type { JobAlerts, JobsApi } from '../api-client';
import { parseJsonOption } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError, CliUsageError } from '../errors';
import { fields } from '../format';
import { writeJson, writeLines } from '../io';

interface AlertsOptions extends JsonOption {
  /** Fields to change, merged into the job's config: JSON text, or `@file`. */
  readonly set?: string;
  /** The whole new config, replacing the job's own entry: JSON text, or `@file`. */
  readonly replace?: string;
  /** A file of configs by job name, as `jobctl import` writes it. */
  readonly import?: string;
  /** With `--import`: replace entries that jobs already have. */
  readonly force?: boolean;
}

/** One field an import would change in an entry it left alone. */
export interface AlertConfigChange {
  readonly field: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** What `alerts --import` did with one job of the file. */
export interface AlertImportResult {
  readonly jobName: string;
  readonly outcome: 'saved' | 'left_alone' | 'failed';
  /** For `left_alone`: what `--force` would change (empty when the entry already matches). */
  readonly changes?: readonly AlertConfigChange[];
  /** For `failed`: why. */
  readonly error?: string;
}

const SOURCES: Readonly<Record<JobAlerts['source'], string>> = {
  job: 'its own entry',
  default: 'the default entry (no entry of its own)',
  none: 'nothing configured: the built-in default',
};

/** `jobctl alerts <name> [--set JSON | --replace JSON]`: shows, changes or replaces a job's alert config. */
export function addAlertsCommand(program: Command, context: CommandContext): void {
  program
    .command('alerts')
    .description(
      "show a job's alert config, change some of its fields with --set, or replace it with --replace",
    )
    .argument('[name]', 'the job')
    .option(
      '--set <json>',
      'change only the fields given (JSON, or @file.json); null removes a field, e.g. \'{"emailRecipients":["ops@example.com"]}\'',
    )
    .option(
      '--replace <json>',
      "replace the job's whole entry (JSON, or @file.json): fields left out take their defaults",
    )
    .option(
      '--import <file>',
      'set the alert config of every job in a file of configs by job name (as `jobctl import` writes alert-config.import.json); jobs that have their own entry are left alone, showing what would change',
    )
    .option('--force', 'with --import: replace the entries that jobs already have too')
    .option('--json', "print the API's JSON instead")
    .action((name: string | undefined, options: AlertsOptions) => {
      if (options.set !== undefined && options.replace !== undefined) {
        throw new CliUsageError(
          'Pass --set (change some fields) or --replace (replace the whole entry), not both',
        );
      }
      if (options.import !== undefined) {
        if (name !== undefined || options.set !== undefined || options.replace !== undefined) {
          throw new CliUsageError(
            '--import sets every job in the file: give it no job name, --set or --replace',
          );
        }
        return importAlerts(context, options.import, options);
      }
      if (options.force) {
        throw new CliUsageError(
          '--force goes with --import <file>; --set and --replace always save',
        );
      }
      if (name === undefined) {
        throw new CliUsageError(
          'Name the job: jobctl alerts <name> [--set JSON | --replace JSON], or pass --import <file>',
        );
      }
      return showOrChangeAlerts(context, name, options);
    });
}

/**
 * Sets each job's config from the file, one at a time, reporting each. A job that has an entry
 * of its own keeps it unless `force` is set, and the report says what would change; exits 1 if
 * any could not be saved.
 */
export async function importAlerts(
  context: CommandContext,
  file: string,
  options: JsonOption & { readonly force?: boolean },
): Promise<void> {
  const { value } = await parseJsonOption(
    `@${file}`,
    context.io.cwd,
    '--import',
    'a file such as alert-config.import.json',
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliUsageError(
      `--import file ${file} must be a JSON object of alert configs by job name, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  const api = await context.api();
  const results: AlertImportResult[] = [];
  for (const [jobName, config] of Object.entries(value)) {
    results.push(await importOne(api, jobName, config, options.force === true));
  }
  if (options.json) writeJson(context.io.stdout, { results });
  else writeLines(context.io.stdout, importReport(context, file, results));
  const failed = results.filter((result) => result.outcome === 'failed').length;
  if (failed > 0) {
    throw new CliError(
      `${failed} of ${results.length} alert configs were not saved; fix them in ${file} (a job must exist and be running) and import again`,
    );
  }
}

async function importOne(
  api: JobsApi,
  jobName: string,
  config: unknown,
  force: boolean,
): Promise<AlertImportResult> {
  try {
    if (!force) {
      const current = await api.getAlerts(jobName);
      if (current.source === 'job') {
        return { jobName, outcome: 'left_alone', changes: changesOf(current.config, config) };
      }
    }
    await api.putAlerts(jobName, config);
    return { jobName, outcome: 'saved' };
  } catch (error) {
    return {
      jobName,
      outcome: 'failed',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The fields `replacement` (defaults filled in, when it is valid) changes in `current`. */
function changesOf(current: object, replacement: unknown): AlertConfigChange[] {
  const parsed = alertConfigSchema.safeParse(replacement);
  const next: object = parsed.success
    ? parsed.data
    : typeof replacement === 'object' && replacement !== null
      ? replacement
      : {};
  const before = current as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({
      field,
      ...(before[field] !== undefined ? { from: before[field] } : {}),
      ...(after[field] !== undefined ? { to: after[field] } : {}),
    }));
}

function importReport(
  context: CommandContext,
  file: string,
  results: readonly AlertImportResult[],
): string[] {
  const lines = results.flatMap((result) => importLines(result));
  const leftAlone = results.filter((result) => result.outcome === 'left_alone').length;
  if (leftAlone > 0) {
    lines.push(
      '',
      `${leftAlone === 1 ? '1 job keeps its' : `${leftAlone} jobs keep their`} own alert config. To replace ${leftAlone === 1 ? 'it' : 'them'} with the file's, run: ${context.commandLine('alerts', '--import', file, '--force')}`,
    );
  }
  return lines;
}

function importLines(result: AlertImportResult): string[] {
  if (result.outcome === 'saved') return [`Saved the alert config of ${result.jobName}.`];
  if (result.outcome === 'failed') return [`Not saved for ${result.jobName}: ${result.error}`];
  const changes = result.changes ?? [];
  if (changes.length === 0) {
    return [`Left alone: ${result.jobName} has its own alert config, the same as the file's.`];
  }
  return [
    `Left alone: ${result.jobName} has its own alert config, which --force would change:`,
    ...changes.map((change) => `  ${change.field}: ${shown(change.from)} -> ${shown(change.to)}`),
  ];
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

export async function showOrChangeAlerts(
  context: CommandContext,
  name: string,
  options: AlertsOptions,
): Promise<void> {
  const api = await context.api();
  const example = `'{"onFailure":true,"emailRecipients":["ops@example.com"]}'`;
  let alerts: JobAlerts;
  if (options.set !== undefined) {
    const { value } = await parseJsonOption(
      options.set,
      context.io.cwd,
      '--set',
      `--set ${example}`,
    );
    alerts = await api.patchAlerts(name, value);
  } else if (options.replace !== undefined) {
    const { value } = await parseJsonOption(
      options.replace,
      context.io.cwd,
      '--replace',
      `--replace ${example}`,
    );
    alerts = await api.putAlerts(name, value);
  } else {
    alerts = await api.getAlerts(name);
  }
  if (options.json) {
    writeJson(context.io.stdout, alerts);
    return;
  }
  const saved = options.set !== undefined || options.replace !== undefined;
  const { config } = alerts;
  const on = (value: boolean) => (value ? 'yes' : 'no');
  writeLines(context.io.stdout, [
    ...(saved ? [`Saved the alert config of ${alerts.jobName}.`, ''] : []),
    ...fields([
      ['Job', alerts.jobName],
      ['From', SOURCES[alerts.source]],
      ['On failure', on(config.onFailure)],
      ['On success', on(config.onSuccess)],
      ['On dead letter', on(config.onDeadLetter)],
      ['On missed run', on(config.onMissed)],
      [
        'On duration',
        config.onDurationOverMs === undefined ? 'no' : `over ${config.onDurationOverMs} ms`,
      ],
      ['Email', config.emailRecipients.length > 0 ? config.emailRecipients.join(', ') : 'no one'],
      [
        'Slack',
        config.slackWebhookSecret ? `webhook in secret ${config.slackWebhookSecret}` : 'no',
      ],
      [
        'Teams',
        config.teamsWebhookSecret ? `webhook in secret ${config.teamsWebhookSecret}` : 'no',
      ],
      ['At most', `${config.maxAlertsPerHour} alerts an hour`],
    ]),
    ...(saved
      ? []
      : [
          '',
          // A real command with the job's own value: pasted, it runs and leaves every value as it is.
          `Change a field with: ${context.commandLine('alerts', alerts.jobName, '--set', JSON.stringify({ maxAlertsPerHour: config.maxAlertsPerHour }))}`,
          '(only the fields given change, and null removes one; --replace sets the whole entry)',
        ]),
  ]);
}
