import type { Command } from 'commander';
import type { RunDetails } from '../../shared/api/api-resources';
import type { Execution } from '../../shared/executor/execution';
import type { CommandContext, JsonOption } from '../command-context';
import { describeError, describeExecution, fields, relativeTime } from '../format';
import { writeJson, writeLines } from '../io';

/** `jobctl show <job> <runId>`: one run, every attempt with its full error, and its input. */
export function addShowCommand(program: Command, context: CommandContext): void {
  program
    .command('show')
    .description('show one run: its status, input and every attempt, with errors in full')
    .argument('<name>', 'the job')
    .argument('<runId>', 'the run, as `jobctl history <name>` lists it')
    .option('--json', "print the API's JSON instead")
    .action((name: string, runId: string, options: JsonOption) =>
      showRun(context, name, runId, options),
    );
}

export async function showRun(
  context: CommandContext,
  name: string,
  runId: string,
  options: JsonOption,
): Promise<void> {
  const { io } = context;
  const run = await (await context.api()).getRun(name, runId);
  if (options.json) {
    writeJson(io.stdout, run);
    return;
  }
  writeLines(io.stdout, describeRun(run, io.now(), context.commandLine));
}

export function describeRun(
  run: RunDetails,
  now: number,
  commandLine: CommandContext['commandLine'],
): string[] {
  const first = run.attempts[0];
  const retrying = run.willRetry ? ' (a retry is due)' : '';
  const lines = [`Run ${run.runId} of ${run.jobName}: ${run.status.replace('_', ' ')}${retrying}`];
  if (first) {
    lines.push(
      ...fields([
        ['Trigger', `${first.trigger}${first.triggeredBy ? ` by ${first.triggeredBy}` : ''}`],
        ['Scheduled for', first.scheduledTime],
        ['Retry of', first.retryOf],
        [
          'Started by',
          first.parent ? `${first.parent.jobName} run ${first.parent.runId}` : undefined,
        ],
        ['Input', inputText(first)],
      ]),
    );
  }
  for (const attempt of run.attempts) {
    lines.push(
      '',
      `Attempt ${attempt.attempt} of ${attempt.maxAttempts}: ${describeExecution(attempt)}`,
      `  started ${attempt.startedAt} (${relativeTime(attempt.startedAt, now)})${attempt.codeVersion ? `, code ${attempt.codeVersion}` : ''}`,
    );
    if (attempt.cancelledBy) lines.push(`  cancelled by ${attempt.cancelledBy}`);
    if (attempt.error) lines.push(...describeError(attempt.error).map((line) => `  ${line}`));
    for (const [key, value] of Object.entries(attempt.metadata ?? {})) {
      lines.push(`  ${key}: ${JSON.stringify(value)}`);
    }
  }
  if (run.status === 'running' || run.willRetry) {
    lines.push('', `Stop it: ${commandLine('cancel', run.jobName, run.runId)}`);
  } else if (['failed', 'timed_out', 'cancelled'].includes(run.status)) {
    lines.push('', `Run it again with its input: ${commandLine('retry', run.jobName, run.runId)}`);
  }
  return lines;
}

function inputText(attempt: Execution): string {
  if (attempt.truncated?.includes('input')) return 'too large to keep in history';
  return attempt.input === undefined ? 'none' : JSON.stringify(attempt.input, null, 2);
}
