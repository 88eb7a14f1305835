import type { Command } from 'commander';
import type { JobAlerts } from '../api-client';
import { parseJsonOption } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError, CliUsageError } from '../errors';
import { fields } from '../format';
import { writeJson, writeLines } from '../io';

interface AlertsOptions extends JsonOption {
  /** The new config: JSON text, or `@file`. */
  readonly set?: string;
  /** A file of configs by job name, as `jobs import` writes it. */
  readonly import?: string;
}

const SOURCES: Readonly<Record<JobAlerts['source'], string>> = {
  job: 'its own entry',
  default: 'the default entry (no entry of its own)',
  none: 'nothing configured: the built-in default',
};

/** `jobs alerts <name> [--set JSON]`: shows or replaces a job's alert config. */
export function addAlertsCommand(program: Command, context: CommandContext): void {
  program
    .command('alerts')
    .description("show a job's alert config, or replace it with --set")
    .argument('[name]', 'the job')
    .option(
      '--import <file>',
      'set the alert config of every job in a file of configs by job name (as `jobs import` writes alert-config.import.json)',
    )
    .option(
      '--set <json>',
      'replace the job\'s own alert config (JSON, or @file.json), e.g. \'{"emailRecipients":["ops@example.com"]}\'',
    )
    .option('--json', "print the API's JSON instead")
    .action((name: string | undefined, options: AlertsOptions) => {
      if (options.import !== undefined) {
        if (name !== undefined || options.set !== undefined) {
          throw new CliUsageError(
            '--import sets every job in the file: give it no job name and no --set',
          );
        }
        return importAlerts(context, options.import, options);
      }
      if (name === undefined) {
        throw new CliUsageError(
          'Name the job: jobs alerts <name> [--set JSON], or pass --import <file>',
        );
      }
      return showOrSetAlerts(context, name, options);
    });
}

/** Sets each job's config from the file, one at a time, reporting each; exits 1 if any failed. */
export async function importAlerts(
  context: CommandContext,
  file: string,
  options: JsonOption,
): Promise<void> {
  const { value } = await parseJsonOption(
    `@${file}`,
    context.io.cwd,
    '--import',
    'a file such as alert-config.import.json',
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliUsageError(
      `--import file ${file} must be a JSON object of alert configs by job name`,
    );
  }
  const api = await context.api();
  const results: { jobName: string; saved: boolean; error?: string }[] = [];
  for (const [jobName, config] of Object.entries(value)) {
    try {
      await api.putAlerts(jobName, config);
      results.push({ jobName, saved: true });
    } catch (error) {
      results.push({
        jobName,
        saved: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (options.json) writeJson(context.io.stdout, { results });
  else {
    writeLines(
      context.io.stdout,
      results.map((result) =>
        result.saved
          ? `Saved the alert config of ${result.jobName}.`
          : `Not saved for ${result.jobName}: ${result.error}`,
      ),
    );
  }
  const failed = results.filter((result) => !result.saved).length;
  if (failed > 0) {
    throw new CliError(
      `${failed} of ${results.length} alert configs were not saved; fix them in ${file} (a job must exist and be running) and import again`,
    );
  }
}

export async function showOrSetAlerts(
  context: CommandContext,
  name: string,
  options: AlertsOptions,
): Promise<void> {
  const api = await context.api();
  const alerts =
    options.set === undefined
      ? await api.getAlerts(name)
      : await api.putAlerts(
          name,
          (
            await parseJsonOption(
              options.set,
              context.io.cwd,
              '--set',
              `--set '{"onFailure":true,"emailRecipients":["ops@example.com"]}'`,
            )
          ).value,
        );
  if (options.json) {
    writeJson(context.io.stdout, alerts);
    return;
  }
  const { config } = alerts;
  const on = (value: boolean) => (value ? 'yes' : 'no');
  writeLines(context.io.stdout, [
    ...(options.set !== undefined ? [`Saved the alert config of ${alerts.jobName}.`, ''] : []),
    ...fields([
      ['Job', alerts.jobName],
      ['From', SOURCES[alerts.source]],
      ['On failure', on(config.onFailure)],
      ['On success', on(config.onSuccess)],
      ['On dead letter', on(config.onDeadLetter)],
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
    ...(options.set === undefined
      ? ['', `Change it with: ${context.commandLine('alerts', alerts.jobName, "--set '{...}'")}`]
      : []),
  ]);
}
