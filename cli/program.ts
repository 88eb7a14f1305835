import { Command, CommanderError } from 'commander';
import { JobsError } from '../shared/errors';
import type { JobsApi } from './api-client';
import { commandLine } from './arguments';
import type { CommandContext } from './command-context';
import { addAlertsCommand } from './commands/alerts';
import { addCancelCommand } from './commands/cancel';
import { addDashboardCommand } from './commands/dashboard';
import { addDeadLettersCommand } from './commands/dead-letters';
import { addHistoryCommand } from './commands/history';
import { addImportCommand } from './commands/import';
import { addInfoCommand } from './commands/info';
import { addListCommand } from './commands/list';
import { addNewCommand } from './commands/new';
import { addNextCommand } from './commands/next';
import { addPauseCommand } from './commands/pause';
import { addResumeCommand } from './commands/resume';
import { addRetryCommand } from './commands/retry';
import { addRunCommand } from './commands/run';
import { addShowCommand } from './commands/show';
import { addValidateCommand } from './commands/validate';
import { addRollbackCommand, addVersionsCommand } from './commands/versions';
import { CliError } from './errors';
import type { CliIo } from './io';
import { type ConnectApi, connectApi, type TargetOptions } from './target';

export interface CliDependencies {
  readonly io: CliIo;
  /** Makes the API client from `--url`/`--remote`. @default connectApi (fetch, SigV4 for --remote) */
  readonly connect?: ConnectApi;
  /** How often `run --wait` asks for the run's state. @default 1000 */
  readonly pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Commander's own ways of ending that are not failures. */
const CLEAN_EXITS: ReadonlySet<string> = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs one command line (`argv` without `node` and the script) and resolves with the exit code:
 * 0, 1 for an error, 2 for arguments it cannot use. Never throws and never exits the process,
 * so tests run commands in-process.
 */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const { io } = deps;
  const connect = deps.connect ?? connectApi;
  let target: TargetOptions = {};
  let api: Promise<JobsApi> | undefined;
  const context: CommandContext = {
    io,
    pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    api: () => {
      api ??= connect(target, io);
      return api;
    },
    commandLine: (...parts) =>
      commandLine(
        ...(target.url !== undefined ? ['--url', target.url] : []),
        ...(target.remote !== undefined ? ['--remote', target.remote] : []),
        ...parts,
      ),
  };

  const program = createProgram(context);
  program.hook('preAction', (_program, command) => {
    const options = command.optsWithGlobals<TargetOptions>();
    target = {
      ...(options.url !== undefined ? { url: options.url } : {}),
      ...(options.remote !== undefined ? { remote: options.remote } : {}),
    };
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has written its message (and the usage hint) to stderr already.
      return CLEAN_EXITS.has(error.code) ? 0 : error.code === 'commander.help' ? error.exitCode : 2;
    }
    io.stderr.write(`error: ${errorMessage(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

/** The `jobctl` program, its commands bound to `context`. */
export function createProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('jobctl')
    .description(
      "Work with the app's jobs: the local runtime (npm run dev) by default, or a deployed app with --remote.",
    )
    .option(
      '--url <url>',
      'the API to talk to (default: http://localhost:3000, or the port in PORT)',
    )
    .option(
      '--remote <stack>',
      "a deployed app's control stack, such as jobs-control: requests are signed with your AWS credentials",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true);

  addListCommand(program, context);
  addInfoCommand(program, context);
  addRunCommand(program, context);
  addHistoryCommand(program, context);
  addShowCommand(program, context);
  addRetryCommand(program, context);
  addCancelCommand(program, context);
  addDeadLettersCommand(program, context);
  addDashboardCommand(program, context);
  addPauseCommand(program, context);
  addAlertsCommand(program, context);
  addResumeCommand(program, context);
  addNextCommand(program, context);
  addVersionsCommand(program, context);
  addRollbackCommand(program, context);
  addValidateCommand(program, context);
  addNewCommand(program, context);
  addImportCommand(program, context);
  return program;
}

function errorMessage(error: unknown): string {
  // The project's own errors say what is wrong and what to do; their stack adds nothing.
  if (error instanceof JobsError) return error.message;
  if (error instanceof Error) {
    // Not one of ours: the stack is what will help whoever reports it.
    return `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1).join('\n')}` : ''}`;
  }
  return String(error);
}
