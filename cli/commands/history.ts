import type { Command } from 'commander';
import { wholeNumber } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { duration, relativeTime, singleLine, table } from '../format';
import { writeJson, writeLines } from '../io';

/** The largest page the API serves. */
export const MAX_HISTORY_LIMIT = 100;

export interface HistoryOptions extends JsonOption {
  readonly limit?: number;
  readonly cursor?: string;
}

/** `jobctl history <name>`: a job's runs, newest first, a page at a time. */
export function addHistoryCommand(program: Command, context: CommandContext): void {
  program
    .command('history')
    .description("list a job's runs, newest first, each as its latest attempt")
    .argument('<name>', 'the job')
    .option(
      '--limit <n>',
      `runs per page, 1 to ${MAX_HISTORY_LIMIT} (default: 20)`,
      wholeNumber(1, MAX_HISTORY_LIMIT),
    )
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--json', "print the API's JSON ({ runs, nextCursor? }) instead of a table")
    .action((name: string, options: HistoryOptions) => showHistory(context, name, options));
}

export async function showHistory(
  context: CommandContext,
  name: string,
  options: HistoryOptions,
): Promise<void> {
  const { io } = context;
  const page = await (await context.api()).listRuns(name, {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
  });
  if (options.json) {
    writeJson(io.stdout, page);
    return;
  }
  if (page.runs.length === 0) {
    writeLines(io.stdout, [
      options.cursor === undefined
        ? `${name} has not run yet. Start a run with: ${context.commandLine('run', name)}`
        : 'No more runs.',
    ]);
    return;
  }
  const now = io.now();
  const rows = page.runs.map((run) => [
    run.runId,
    `${run.status.replace('_', ' ')}${run.skipReason ? ` (${run.skipReason})` : ''}`,
    run.trigger,
    relativeTime(run.startedAt, now),
    run.durationMs !== undefined ? duration(run.durationMs) : '-',
    `${run.attempt}/${run.maxAttempts}`,
    singleLine(run.message ?? run.error?.message ?? '', 60),
  ]);
  const lines = table(
    ['RUN', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION', 'ATTEMPT', 'MESSAGE'],
    rows,
  );
  if (page.nextCursor !== undefined) {
    const more = ['history', name, '--cursor', page.nextCursor];
    if (options.limit !== undefined) more.push('--limit', String(options.limit));
    lines.push('', `More runs: ${context.commandLine(...more)}`);
  }
  writeLines(io.stdout, lines);
}
