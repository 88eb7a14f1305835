import type { JobsApi } from '../../../cli/api-client';
import type { CliIo } from '../../../cli/io';
import { runCli } from '../../../cli/program';
import type { TargetOptions } from '../../../cli/target';
import type {
  JobDetails,
  JobSummary,
  RunDetails,
  RunsPage,
} from '../../../shared/api/api-resources';
import type { PauseResult } from '../../../shared/control/job-control';
import type { Execution } from '../../../shared/executor/execution';

/** The time every test's clock starts at. */
export const NOW = '2026-11-23T12:00:00.000Z';

export interface MemoryIo extends CliIo {
  /** Everything written to stdout so far. */
  readonly out: () => string;
  readonly err: () => string;
  /** The waits `sleep` was asked for, in order. */
  readonly sleeps: number[];
}

/** I/O in memory, with a clock that `sleep` moves forward instead of waiting. */
export function memoryIo(
  options: { cwd?: string; projectRoot?: string; env?: Record<string, string>; now?: string } = {},
): MemoryIo {
  let stdout = '';
  let stderr = '';
  let now = Date.parse(options.now ?? NOW);
  const sleeps: number[] = [];
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    cwd: options.cwd ?? '/project',
    projectRoot: options.projectRoot ?? options.cwd ?? '/project',
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    out: () => stdout,
    err: () => stderr,
    sleeps,
  };
}

/** An API whose methods fail the test unless the test gives them. */
export function fakeApi(methods: Partial<JobsApi> = {}): JobsApi {
  const unexpected = (name: string) => () => {
    throw new Error(`the test did not expect ${name} to be called`);
  };
  return {
    description: 'http://localhost:3000',
    listJobs: unexpected('listJobs'),
    getJob: unexpected('getJob'),
    triggerRun: unexpected('triggerRun'),
    getRun: unexpected('getRun'),
    retryRun: unexpected('retryRun'),
    cancelRun: unexpected('cancelRun'),
    listDeadLetters: unexpected('listDeadLetters'),
    redriveDeadLetters: unexpected('redriveDeadLetters'),
    listRuns: unexpected('listRuns'),
    pause: unexpected('pause'),
    resume: unexpected('resume'),
    setAllPaused: unexpected('setAllPaused'),
    getAlerts: unexpected('getAlerts'),
    putAlerts: unexpected('putAlerts'),
    patchAlerts: unexpected('patchAlerts'),
    forward: unexpected('forward'),
    ...methods,
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The global options the command asked to connect with; undefined when it did not connect. */
  readonly target: TargetOptions | undefined;
  readonly io: MemoryIo;
}

/** Runs one command line in-process against `api`. */
export async function cli(
  argv: readonly string[],
  options: { api?: JobsApi; io?: MemoryIo } = {},
): Promise<CliRun> {
  const io = options.io ?? memoryIo();
  let target: TargetOptions | undefined;
  const code = await runCli(argv, {
    io,
    pollIntervalMs: 500,
    connect: async (requested) => {
      target = requested;
      return options.api ?? fakeApi();
    },
  });
  return { code, stdout: io.out(), stderr: io.err(), target, io };
}

export function summary(overrides: Partial<JobSummary> & Pick<JobSummary, 'name'>): JobSummary {
  return {
    displayName: overrides.name,
    queue: 'default',
    paused: false,
    nextRunAt: null,
    lastRun: null,
    ...overrides,
  };
}

export const NIGHTLY_SCHEDULE: NonNullable<JobSummary['schedule']> = {
  kind: 'cron',
  expression: 'cron(0 2 * * ? *)',
  timezone: 'Europe/London',
  source: '0 2 * * *',
  description: 'At 02:00 (Europe/London)',
};

export function details(overrides: Partial<JobDetails> & Pick<JobDetails, 'name'>): JobDetails {
  return {
    displayName: overrides.name,
    queue: 'default',
    paused: false,
    retries: 3,
    timeoutSeconds: 60,
    memoryMb: 256,
    overlap: 'allow',
    nextFireTimes: [],
    nextRunAt: null,
    lastRun: null,
    ...overrides,
  };
}

export function execution(overrides: Partial<Execution> & Pick<Execution, 'runId'>): Execution {
  return {
    jobName: 'nightly-report',
    attempt: 1,
    maxAttempts: 4,
    trigger: 'api',
    status: 'succeeded',
    startedAt: '2026-11-23T11:57:00.000Z',
    completedAt: '2026-11-23T11:57:01.200Z',
    durationMs: 1200,
    willRetry: false,
    ...overrides,
  };
}

export function runDetails(attempts: readonly Execution[]): RunDetails {
  const [first] = attempts;
  const latest = attempts.at(-1);
  if (!first || !latest) throw new Error('a run has at least one attempt');
  return {
    runId: first.runId,
    jobName: first.jobName,
    status: latest.status,
    willRetry: latest.willRetry === true,
    attempts,
  };
}

export function page(runs: readonly Execution[], nextCursor?: string): RunsPage {
  return { runs, ...(nextCursor !== undefined ? { nextCursor } : {}) };
}

export function pauseResult(
  overrides: Partial<PauseResult> & Pick<PauseResult, 'jobName'>,
): PauseResult {
  return { paused: true, schedule: 'updated', ...overrides };
}
