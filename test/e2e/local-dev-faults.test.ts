import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BURST_JOB, devNodePid } from '../support/dev-bursts';
import { REPO_ROOT, useDevProcesses } from './dev-process';

// Each test starts `npm run dev` (npm, tsx's loader, dynalite, fauxqs, a bundle of the job
// files) once or twice: allow for a busy machine. Bursts stopped by kill -9 or Ctrl+C are in
// the fault suite (test/faults/).
const E2E_TIMEOUT_MS = 180_000;

const { project, dev } = useDevProcesses();

describe('npm run dev, started where it cannot run', { timeout: E2E_TIMEOUT_MS }, () => {
  it('refuses a second start on the same data folder, naming the one that runs', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const first = dev(target);
    const url = await first.url();

    const second = dev(target);
    const exit = await second.exited;
    const health = await fetch(`${url}/health`);

    const node = devNodePid(first);
    const port = new URL(url).port;
    expect(exit.code).toBe(1);
    expect(second.stderr).toContain(`PID ${node}`);
    expect(second.stderr).toContain(`port ${port}`);
    expect(second.stderr).not.toContain('Database is closed');
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(health.status).toBe(200);
  });

  it('prints the problems of an invalid job file as jobctl validate does, and exits 1', async () => {
    const target = await project();
    await target.writeJob(
      'fine',
      "import { defineJob, JobResult } from '#shared';\n\nexport default defineJob({ run: async () => JobResult.success() });\n",
    );
    await target.writeJob(
      'nightly',
      `import { defineJob, JobResult } from '#shared';

export default defineJob({
  retries: 12,
  schedule: { cron: '0 0 7 * * *' },
  run: async () => JobResult.success(),
});
`,
    );
    const validated = validate(target.root);

    const started = dev(target);
    const exit = await started.exited;

    expect(validated.lines).toHaveLength(2);
    expect(exit.code).toBe(1);
    for (const line of validated.lines) expect(started.stderr).toContain(`\n${line}\n`);
    expect(started.stderr).not.toMatch(/^\s+at /m);
    expect(started.stderr).not.toContain('JobDiscoveryError');
  });
});

/** `npx jobctl validate` in `root`: its problem lines. */
function validate(root: string): { lines: string[] } {
  try {
    execFileSync('node', [join(REPO_ROOT, 'bin', 'jobctl.mjs'), 'validate'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { lines: [] };
  } catch (error) {
    const stdout = (error as { stdout: string }).stdout;
    return { lines: stdout.split('\n').filter((line) => line.startsWith('functions/')) };
  }
}
