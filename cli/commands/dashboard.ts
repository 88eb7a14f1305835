import type { Command } from 'commander';
import { wholeNumber } from '../arguments';
import type { CommandContext } from '../command-context';
import { CliUsageError } from '../errors';
import { writeLines } from '../io';
import type { TargetOptions } from '../target';

interface DashboardOptions {
  readonly port?: number;
}

/** `jobctl --remote <stack> dashboard`: the dashboard for a deployed app, on localhost. */
export function addDashboardCommand(program: Command, context: CommandContext): void {
  program
    .command('dashboard')
    .description(
      'serve the dashboard for a deployed app (--remote <stack>) on localhost, its calls signed with your AWS credentials; Ctrl+C stops it',
    )
    .option('--port <n>', 'the local port (default: a free one)', wholeNumber(1, 65_535))
    .action((options: DashboardOptions, command: Command) =>
      serveDashboard(context, options, command.optsWithGlobals<TargetOptions>()),
    );
}

async function serveDashboard(
  context: CommandContext,
  options: DashboardOptions,
  target: TargetOptions,
): Promise<void> {
  const { io } = context;
  if (target.remote === undefined) {
    throw new CliUsageError(
      `jobctl dashboard serves a deployed app's dashboard: pass its control stack, npx jobctl --remote <stack> dashboard. The local runtime serves its own at ${target.url ?? 'http://localhost:3000'} (npm run dev).`,
    );
  }
  const api = await context.api();
  // Loaded here: the server and its static files are this command's alone.
  const { startRemoteDashboard } = await import('../remote-dashboard');
  const dashboard = await startRemoteDashboard({
    api,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  writeLines(io.stdout, [
    `The dashboard of ${api.description}, signed with your AWS credentials:`,
    '',
    `  ${dashboard.url}`,
    '',
    "Open that URL: it carries this session's token, and the server answers no other browser or site. Ctrl+C stops it.",
  ]);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dashboard.stop();
}
