// `npm run dev`: the local runtime for this project, until Ctrl+C.
import { startLocalRuntime } from './local-runtime';

const runtime = await startLocalRuntime();

const lines = [
  '',
  `Jobs: the API and dashboard are on ${runtime.url}`,
  '',
  ...runtime.jobs.map((job) => {
    const next = job.nextFireTime
      ? `next run ${job.nextFireTime.toISOString()}${job.timezone ? ` (${inZone(job.nextFireTime, job.timezone)} ${job.timezone})` : ''}`
      : 'on demand';
    return `  ${job.name.padEnd(32)} ${job.queue.padEnd(9)} ${next}`;
  }),
  '',
  'Ctrl+C stops it; runs in flight finish first.',
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

function inZone(time: Date, timezone: string): string {
  return time.toLocaleString('en-GB', {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
