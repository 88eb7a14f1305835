// `npm run dev`: the local runtime for this project, until Ctrl+C.
import type { JobReload } from './job-reloader';
import { type LocalJob, type LocalRuntime, startLocalRuntime } from './local-runtime';

// Set once started; a reload can finish before that.
let started: LocalRuntime | undefined;
const runtime = await startLocalRuntime({ onJobsReloaded: printReload });
started = runtime;

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

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      process.stderr.write('\nStopping at once: runs in flight are left on their queues.\n');
      process.exit(130);
    }
    stopping = true;
    process.stderr.write('\nStopping: letting runs in flight finish (Ctrl+C again to force)...\n');
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`The runtime did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

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
