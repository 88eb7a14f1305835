import type { Command } from 'commander';
import type { CommandContext, JsonOption } from '../command-context';
import { writeJson, writeLines } from '../io';

/** `jobctl retry <job> <runId>`: runs a failed run again, with its input. */
export function addRetryCommand(program: Command, context: CommandContext): void {
  program
    .command('retry')
    .description(
      'run a run that ended badly (failed, timed out, cancelled, rejected or missed) again, with its input',
    )
    .argument('<name>', 'the job')
    .argument('<runId>', 'the run to retry')
    .option('--json', 'print { jobName, runId, retryOf } as JSON')
    .action((name: string, runId: string, options: JsonOption) =>
      retryRun(context, name, runId, options),
    );
}

export async function retryRun(
  context: CommandContext,
  name: string,
  runId: string,
  options: JsonOption,
): Promise<void> {
  const { io } = context;
  const retry = await (await context.api()).retryRun(name, runId);
  if (options.json) {
    writeJson(io.stdout, { jobName: name, runId: retry.runId, retryOf: runId });
    return;
  }
  writeLines(io.stdout, [
    `Started run ${retry.runId} of ${name}, a retry of ${runId}.`,
    `Follow it: ${context.commandLine('show', name, retry.runId)}`,
  ]);
}
