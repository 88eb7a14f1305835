import type { Command } from 'commander';
import type { CommandContext, JsonOption } from '../command-context';
import { CliError } from '../errors';
import { relativeTime, singleLine, table } from '../format';
import { writeJson, writeLines } from '../io';

export interface DeadLettersOptions extends JsonOption {
  /** `--redrive` alone: all of them; with ids: those. */
  readonly redrive?: boolean | string[];
}

/** `jobctl dead-letters <job>`: what sits in a job's dead-letter queue; `--redrive` sends it back. */
export function addDeadLettersCommand(program: Command, context: CommandContext): void {
  program
    .command('dead-letters')
    .description(
      "list the runs in a job's dead-letter queue; with --redrive, send them (or the ids given) back as new runs",
    )
    .argument('<name>', 'the job')
    .option('--redrive [messageIds...]', 'send back all dead letters, or only these message ids')
    .option('--json', "print the API's JSON instead")
    .action((name: string, options: DeadLettersOptions) => deadLetters(context, name, options));
}

export async function deadLetters(
  context: CommandContext,
  name: string,
  options: DeadLettersOptions,
): Promise<void> {
  const { io } = context;
  const api = await context.api();
  if (options.redrive !== undefined) {
    const messageIds = Array.isArray(options.redrive) ? options.redrive : undefined;
    const result = await api.redriveDeadLetters(name, messageIds);
    if (options.json) {
      writeJson(io.stdout, result);
      return;
    }
    writeLines(io.stdout, [
      ...result.redriven.map(
        (sent) =>
          `Sent ${sent.messageId} back as run ${sent.runId}${sent.retryOf ? `, a retry of ${sent.retryOf}` : ''}.`,
      ),
      result.redriven.length === 0
        ? `Sent nothing back: ${name}'s dead-letter queue held ${messageIds ? 'none of those' : 'nothing'}.`
        : `Follow them: ${context.commandLine('history', name)}`,
      ...(result.more
        ? [`More remain: one redrive sends ${result.redriven.length}; run it again for the rest.`]
        : []),
    ]);
    if (result.notFound.length > 0) {
      throw new CliError(
        `Not in ${name}'s dead-letter queue (redriven already, or expired): ${result.notFound.join(', ')}. List what it holds: ${context.commandLine('dead-letters', name)}`,
      );
    }
    return;
  }
  const listed = await api.listDeadLetters(name);
  if (options.json) {
    writeJson(io.stdout, listed);
    return;
  }
  if (listed.deadLetters.length === 0) {
    writeLines(io.stdout, [`${name}'s dead-letter queue is empty.`]);
    return;
  }
  const now = io.now();
  writeLines(io.stdout, [
    ...table(
      ['MESSAGE', 'RUN', 'SENT', 'REASON'],
      listed.deadLetters.map((letter) => [
        letter.messageId,
        letter.runId ?? '-',
        letter.sentAt ? relativeTime(letter.sentAt, now) : '-',
        singleLine(letter.reason, 80),
      ]),
    ),
    '',
    `${listed.deadLetters.length} listed (SQS counts about ${listed.approximateCount}). Send them back: ${context.commandLine('dead-letters', name, '--redrive')}`,
  ]);
}
