// `npm run dev`: the local runtime for this project, until Ctrl+C. Run as one node process
// (`node --import tsx`), so that Ctrl+C reaches this code and nothing between (tsx's own CLI
// relayed it again, and killed a process too busy to answer within about 60 ms).
import { resolve } from 'node:path';
import type { JobReload } from './job-reloader';
import { type LocalJob, type LocalRuntime, startLocalRuntime } from './local-runtime';
import { handleStopSignals } from './stop-signals';

// The project and its data folder: where npm runs the script (the package's root), unless set.
const projectRoot = resolve(process.env.JOBS_PROJECT_ROOT || process.cwd());
const dataDir = process.env.JOBS_DATA_DIR ? resolve(process.env.JOBS_DATA_DIR) : undefined;

// Set once started; a reload can finish before that.
let started: LocalRuntime | undefined;
let runtime: LocalRuntime;
try {
  runtime = await startLocalRuntime({
    projectRoot,
    ...(dataDir ? { dataDir } : {}),
    onJobsReloaded: printReload,
  });
} catch (error) {
  // Loaded only here: it brings in the CLI's validate command.
  const { describeStartFailure } = await import('./start-failure');
  process.stderr.write(await describeStartFailure(error, projectRoot));
  process.exit(1);
}
started = runtime;

handleStopSignals({
  stop: () => runtime.stop(),
  exit: (code) => process.exit(code),
  write: (text) => process.stderr.write(text),
});

const lines = [
  '',
  `Jobs: the API and dashboard are on ${runtime.url}`,
  '',
  ...runtime.jobs.map(jobLine),
  '',
  'Job files are loaded again when they change. Ctrl+C stops; runs in flight finish first.',
  '',
];
process.stdout.write(lines.join('\n'));

function jobLine(job: LocalJob): string {
  const next = job.nextFireTime
    ? `next run ${job.nextFireTime.toISOString()}${job.timezone ? ` (${inZone(job.nextFireTime, job.timezone)} ${job.timezone})` : ''}`
    : 'on demand';
  return `  ${job.name.padEnd(32)} ${job.queue.padEnd(9)} ${next}`;
}

function inZone(time: Date, timezone: string): string {
  return time.toLocaleString('en-GB', {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** One line per reload, saying what changed; the error in full when the files did not load. */
function printReload(reload: JobReload): void {
  const files = reload.changedFiles.length > 0 ? ` (${reload.changedFiles.join(', ')})` : '';
  if (!reload.ok) {
    process.stderr.write(
      `\nJob files changed${files} but could not be loaded, so the jobs that were running keep running:\n${reload.error.message}\n`,
    );
    return;
  }
  const parts = [
    reload.added.length > 0 ? `added ${reload.added.join(', ')}` : '',
    reload.changed.length > 0 ? `changed ${reload.changed.join(', ')}` : '',
    reload.removed.length > 0 ? `removed ${reload.removed.join(', ')}` : '',
  ].filter((part) => part !== '');
  const summary = parts.length > 0 ? `${parts.join('; ')}. ` : '';
  const count = `${reload.jobs.length} job${reload.jobs.length === 1 ? '' : 's'}`;
  process.stdout.write(`Reloaded the job files${files}: ${summary}${count} running.\n`);
  for (const name of reload.added) {
    const job = started?.jobs.find((candidate) => candidate.name === name);
    if (job) process.stdout.write(`${jobLine(job)}\n`);
  }
}
