import type { Command } from 'commander';
import type { RunDetails } from '../../shared/api/api-resources';
import type { Execution } from '../../shared/executor/execution';
import { parseJsonOption, wholeNumber } from '../arguments';
import type { CommandContext, JsonOption } from '../command-context';
import { ApiResponseError, CliError, CliUsageError } from '../errors';
import { describeError, describeExecution, duration } from '../format';
import { writeJson, writeLines } from '../io';

export interface RunOptions extends JsonOption {
  /** JSON text, or `@file` for a file's. */
  readonly input?: string;
  readonly idempotencyKey?: string;
  readonly wait?: boolean;
  /** Seconds `--wait` waits at most. */
  readonly timeout?: number;
}

/** Statuses a finished run may end with and still count as done as asked. */
const OK_STATUSES: ReadonlySet<Execution['status']> = new Set(['succeeded', 'skipped']);
const STACK_FRAMES = 8;

/** `jobctl run <name>`: "trigger now", and with `--wait` follow the run to its end. */
export function addRunCommand(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('start a run of a job now; with --wait, follow it until it finishes')
    .argument('<name>', 'the job')
    .option('--input <json>', 'the input, as JSON (or @file.json to read it from a file)')
    .option('--idempotency-key <key>', 'runs started with the same key are one run')
    .option('--wait', 'wait for the run to finish, showing its attempts; exit 1 if it fails')
    .option(
      '--timeout <seconds>',
      'with --wait: give up waiting after this many seconds (the run goes on)',
      wholeNumber(1, 86_400),
    )
    .option('--json', 'print JSON: { jobName, runId }, or with --wait the run and its attempts')
    .action((name: string, options: RunOptions) => runJob(context, name, options));
}

export async function runJob(
  context: CommandContext,
  name: string,
  options: RunOptions,
): Promise<void> {
  const { io } = context;
  if (options.timeout !== undefined && !options.wait) {
    throw new CliUsageError(
      '--timeout is how long --wait waits: pass --wait too, or drop --timeout.',
    );
  }
  const input =
    options.input === undefined
      ? undefined
      : await parseJsonOption(options.input, io.cwd, '--input', `--input '{"date":"2026-11-23"}'`);
  const api = await context.api();
  const { runId } = await api.triggerRun(name, {
    ...(input !== undefined ? { input: input.value } : {}),
    ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
  });

  if (!options.wait) {
    if (options.json) writeJson(io.stdout, { jobName: name, runId });
    else {
      writeLines(io.stdout, [
        `Started run ${runId} of ${name}.`,
        `Follow it with: ${context.commandLine('history', name)}`,
      ]);
    }
    return;
  }

  io.stderr.write(`Started run ${runId} of ${name}; waiting for it to finish.\n`);
  const run = await waitForRun(context, name, runId, options.timeout);
  const last = run.attempts[run.attempts.length - 1] as Execution;
  if (options.json) writeJson(io.stdout, run);
  else writeLines(io.stdout, describeOutcome(run, last));
  if (!OK_STATUSES.has(last.status)) {
    throw new CliError(
      `Run ${runId} of ${name} ${last.status.replace('_', ' ')}${run.attempts.length > 1 ? ` after ${run.attempts.length} attempts` : ''}. See its history: ${context.commandLine('history', name)}`,
    );
  }
}

/** Polls the run until its last attempt is final, writing each change of state to stderr. */
async function waitForRun(
  context: CommandContext,
  name: string,
  runId: string,
  timeoutSeconds: number | undefined,
): Promise<RunDetails> {
  const { io } = context;
  const api = await context.api();
  const deadline = timeoutSeconds === undefined ? undefined : io.now() + timeoutSeconds * 1000;
  // Each attempt's line, as last shown: a poll may find several new attempts at once.
  const shown = new Map<number, string>();
  for (;;) {
    const run = await api.getRun(name, runId).catch((error: unknown) => {
      // Accepted but not picked up yet: the run has no attempt recorded until the worker starts it.
      if (error instanceof ApiResponseError && error.status === 404) return undefined;
      throw error;
    });
    const attempts = run?.attempts ?? [];
    const last = attempts[attempts.length - 1];
    if (attempts.length === 0 && !shown.has(0)) {
      io.stderr.write('  queued\n');
      shown.set(0, 'queued');
    }
    for (const attempt of attempts) {
      const line = progressLine(attempt);
      if (shown.get(attempt.attempt) !== line) {
        io.stderr.write(`  ${line}\n`);
        shown.set(attempt.attempt, line);
      }
    }
    if (run && last && last.status !== 'running' && last.willRetry !== true) return run;
    if (deadline !== undefined && io.now() >= deadline) {
      throw new CliError(
        `Run ${runId} of ${name} is still ${last ? last.status.replace('_', ' ') : 'queued'} after ${timeoutSeconds} s; it goes on without you. Follow it with: ${context.commandLine('history', name)}`,
      );
    }
    await io.sleep(context.pollIntervalMs);
  }
}

function progressLine(attempt: Execution): string {
  const retrying = attempt.willRetry === true ? ' (will retry)' : '';
  return `attempt ${attempt.attempt}/${attempt.maxAttempts}: ${describeExecution(attempt)}${retrying}`;
}

function describeOutcome(run: RunDetails, last: Execution): string[] {
  const took = last.durationMs !== undefined ? ` in ${duration(last.durationMs)}` : '';
  const lines = [
    `Run ${run.runId} of ${run.jobName} ${last.status.replace('_', ' ')}${took} (attempt ${last.attempt} of ${last.maxAttempts}).`,
  ];
  if (last.skipReason) lines.push(`Skipped: ${last.skipReason}`);
  if (last.message) lines.push(`Message: ${last.message}`);
  if (last.error) lines.push(...describeError(last.error, STACK_FRAMES));
  const metadata = Object.entries(last.metadata ?? {});
  if (metadata.length > 0) lines.push('Metadata:');
  for (const [key, value] of metadata) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  return lines;
}
