import type { Command } from 'commander';
import type { CommandContext, JsonOption } from '../command-context';
import { writeJson, writeLines } from '../io';

/** `jobctl cancel <job> <runId>`: asks a running run to stop. */
export function addCancelCommand(program: Command, context: CommandContext): void {
  program
    .command('cancel')
    .description('stop a running run: its ctx.signal aborts within seconds, and it is not retried')
    .argument('<name>', 'the job')
    .argument('<runId>', 'the run to stop')
    .option('--json', 'print { jobName, runId, cancelledBy } as JSON')
    .action((name: string, runId: string, options: JsonOption) =>
      cancelRun(context, name, runId, options),
    );
}

export async function cancelRun(
  context: CommandContext,
  name: string,
  runId: string,
  options: JsonOption,
): Promise<void> {
  const { io } = context;
  const cancelled = await (await context.api()).cancelRun(name, runId);
  if (options.json) {
    writeJson(io.stdout, cancelled);
    return;
  }
  writeLines(io.stdout, [
    `Asked run ${runId} of ${name} to stop, as ${cancelled.cancelledBy}: its worker aborts it within seconds, and it ends cancelled, not retried.`,
    `See it end: ${context.commandLine('show', name, runId)}`,
  ]);
}
