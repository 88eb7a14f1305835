// Discovery and validation of generated job files: what `cdk synth`, the CLI and the local
// runtime pay before they can do anything. Target: 1,000 files in under 1 s.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { discoverJobs } from '#discovery';
import { median, report } from './report';

const JOB_COUNT = Number(process.env.JOB_COUNT ?? 1000);
const RUNS = 5;

const SCHEDULES = [
  "{ cron: '0 2 * * *', timezone: 'Europe/London' }",
  "{ cron: 'cron(0/15 8-18 ? * MON-FRI *)', timezone: 'America/New_York' }",
  "{ cron: '30 6 1 * *' }",
  "{ rate: '15 minutes' }",
  "{ at: '2099-12-31T23:00:00', timezone: 'Asia/Tokyo' }",
  undefined,
];

function jobFile(index: number): string {
  const schedule = SCHEDULES[index % SCHEDULES.length];
  return `import { defineJob, JobResult } from '#shared';
import { z } from 'zod';

export default defineJob({
  description: 'Generated job ${index}',
  ${schedule ? `schedule: ${schedule},` : ''}
  queue: '${['critical', 'default', 'batch'][index % 3]}',
  retries: ${index % 11},
  timeout: '${1 + (index % 15)} minutes',
  memoryMb: ${128 * (1 + (index % 8))},
  input: z.object({ customerId: z.string().optional(), limit: z.number().int().default(100) }).default({ limit: 100 }),
  run: async (ctx) => JobResult.success(\`processed \${ctx.input.limit}\`),
});
`;
}

async function main(): Promise<void> {
  const projectRoot = resolve('.cache', `bench-discovery-${randomUUID()}`);
  const jobsDir = join(projectRoot, 'functions', 'jobs');
  try {
    for (let folder = 0; folder < 10; folder++) {
      await mkdir(join(jobsDir, `team-${folder}`), { recursive: true });
    }
    await Promise.all(
      Array.from({ length: JOB_COUNT }, (_, index) =>
        writeFile(join(jobsDir, `team-${index % 10}`, `generated-${index}.job.ts`), jobFile(index)),
      ),
    );

    const timings: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const { jobs } = await discoverJobs({ projectRoot });
      timings.push(performance.now() - started);
      if (jobs.length !== JOB_COUNT) throw new Error(`found ${jobs.length} of ${JOB_COUNT} jobs`);
    }

    process.stdout.write(`\nDiscovery and validation of ${JOB_COUNT} generated job files\n`);
    report('first run (cold process)', timings[0] ?? 0, 'ms', 'target: < 1000 ms');
    report(`median of the next ${RUNS - 1} runs`, median(timings.slice(1)), 'ms');
    report('per job (median)', (median(timings.slice(1)) * 1000) / JOB_COUNT, 'µs');
  } finally {
    await rm(projectRoot, { recursive: true, force: true });
  }
}

await main();
