import type { Command } from 'commander';
import type { JobAlerts } from '../api-client';
import { parseJsonOption } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { fields } from '../format';
import { writeJson, writeLines } from '../io';

interface AlertsOptions extends JsonOption {
  /** The new config: JSON text, or `@file`. */
  readonly set?: string;
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
    .argument('<name>', 'the job')
    .option(
      '--set <json>',
      'replace the job\'s own alert config (JSON, or @file.json), e.g. \'{"emailRecipients":["ops@example.com"]}\'',
    )
    .option('--json', "print the API's JSON instead")
    .action((name: string, options: AlertsOptions) => showOrSetAlerts(context, name, options));
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
