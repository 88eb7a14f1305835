import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobAlerts } from '../../cli/api-client';
import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/program';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import type { JobDetails, JobSummary } from '../../shared/api/api-resources';
import { silentLogger } from '../../shared/logging/silent-logger';

// Two starts of the local runtime (dynalite, fauxqs, discovery of the project's job files) and
// child processes that load tsx: allow for a busy machine.
const E2E_TIMEOUT_MS = 120_000;
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Jobs already running when the import happens, one per test that changes alert configs. LIVE
// is also a row of the export.
const LIVE = 'nightly-sales-report';
const MERGED = 'live-merged';
const HINTED = 'live-hinted';
const FORCED = 'live-forced';
// Inactive legacy rows, which the import writes as new job files: one to look at, one to resume.
const INACTIVE = 'weekly-cleanup';
const RESUMED = 'monthly-archive';

const LIVE_JOB_SOURCE = `import { defineJob, JobResult } from '#shared';

export default defineJob({
  schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
  run: async () => JobResult.success('Reported'),
});
`;

// Every row asks for failure emails; the live job's row has no recipients, which, applied,
// would leave the live job alerting no one.
const LEGACY_EXPORT = [
  'ID,JobName,CronExpression,StoredProcName,IsActive,EmailOnFailure,EmailRecipients',
  '1,Nightly Sales Report,0 2 * * *,dbo.usp_NightlySales,1,1,',
  '2,Weekly Cleanup,0 3 * * 0,dbo.usp_Cleanup,0,1,ops@example.com',
  '3,Monthly Archive,0 4 1 * *,dbo.usp_Archive,0,0,',
  '',
].join('\n');

// Inside the repository (git-ignored), so that the job files' "#shared" resolves.
const project = join(REPOSITORY_ROOT, '.cache', `cli-import-alerts-e2e-${randomUUID()}`);
const appName = `imp-${randomUUID().slice(0, 8)}`;
let runtime: LocalRuntime | undefined;
let imported: { code: number; stdout: string; stderr: string };

function startRuntime(): Promise<LocalRuntime> {
  return startLocalRuntime({
    projectRoot: project,
    dataDir: join(project, '.data'),
    port: 0,
    logger: silentLogger,
    appName,
    shutdownGraceMs: 2_000,
  });
}

/** Runs the CLI in-process in the project, against the runtime when it is started. */
async function jobs(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: project,
    projectRoot: project,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const target = runtime ? ['--url', runtime.url] : [];
  const code = await runCli([...target, ...argv], { io, pollIntervalMs: 100 });
  return { code, stdout, stderr };
}

async function alertsOf(name: string): Promise<JobAlerts> {
  const { stdout } = await jobs('alerts', name, '--json');
  return JSON.parse(stdout) as JobAlerts;
}

async function pausedOf(name: string): Promise<boolean | undefined> {
  const { stdout } = await jobs('list', '--json');
  return (JSON.parse(stdout) as { jobs: JobSummary[] }).jobs.find((job) => job.name === name)
    ?.paused;
}

beforeAll(async () => {
  await mkdir(join(project, 'functions', 'jobs'), { recursive: true });
  for (const name of [LIVE, MERGED, HINTED, FORCED]) {
    await writeFile(join(project, 'functions', 'jobs', `${name}.job.ts`), LIVE_JOB_SOURCE);
  }
  await writeFile(join(project, 'c_Job.csv'), LEGACY_EXPORT);
  imported = await jobs('import', 'c_Job.csv', '--timezone', 'Europe/London');
  runtime = await startRuntime();
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  await runtime?.stop();
  await rm(project, { recursive: true, force: true });
}, E2E_TIMEOUT_MS);

describe('jobctl import, then jobctl alerts, against the local runtime', {
  timeout: E2E_TIMEOUT_MS,
}, () => {
  it('gives no alert config to the row whose job file it left alone', async () => {
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`functions/jobs/${LIVE}.job.ts (Nightly Sales Report)`);
    const configs = JSON.parse(await readFile(join(project, 'alert-config.import.json'), 'utf8'));
    expect(Object.keys(configs)).toEqual([INACTIVE]);
  });

  it('starts an inactive legacy job paused, as its file says, and list and info show it', async () => {
    const source = await readFile(join(project, 'functions', 'jobs', `${INACTIVE}.job.ts`), 'utf8');

    const info = await jobs('info', INACTIVE, '--json');

    expect(source).toContain('  paused: true,\n');
    expect((JSON.parse(info.stdout) as JobDetails).paused).toBe(true);
    expect(await pausedOf(INACTIVE)).toBe(true);
    expect(await pausedOf(LIVE)).toBe(false);
  });

  it('applies the imported alert configs without touching the live job', async () => {
    await jobs('alerts', LIVE, '--set', '{"emailRecipients":["live@example.com"]}');

    const applied = await jobs('alerts', '--import', 'alert-config.import.json');

    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`Saved the alert config of ${INACTIVE}.`);
    expect((await alertsOf(INACTIVE)).config.emailRecipients).toEqual(['ops@example.com']);
    expect((await alertsOf(LIVE)).config.emailRecipients).toEqual(['live@example.com']);
  });

  it('leaves an entry a job already has unless --force, saying what would change', async () => {
    await jobs('alerts', FORCED, '--set', '{"emailRecipients":["live@example.com"]}');
    await writeFile(
      join(project, 'hand-made.alerts.json'),
      JSON.stringify({ [FORCED]: { onFailure: true, emailRecipients: [] } }),
    );

    const kept = await jobs('alerts', '--import', 'hand-made.alerts.json');
    const keptRecipients = (await alertsOf(FORCED)).config.emailRecipients;
    const forced = await jobs('alerts', '--import', 'hand-made.alerts.json', '--force');

    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(
      `Left alone: ${FORCED} has its own alert config, which --force would change:\n` +
        '  emailRecipients: ["live@example.com"] -> []\n',
    );
    expect(keptRecipients).toEqual(['live@example.com']);
    expect(forced.code).toBe(0);
    expect((await alertsOf(FORCED)).config.emailRecipients).toEqual([]);
  });

  it('changes one alert field with --set, keeping the recipients and the Slack secret', async () => {
    await jobs(
      'alerts',
      MERGED,
      '--set',
      '{"emailRecipients":["live@example.com"],"slackWebhookSecret":"jobs/slack"}',
    );

    const changed = await jobs('alerts', MERGED, '--set', '{"maxAlertsPerHour":5}');

    expect(changed.code).toBe(0);
    expect((await alertsOf(MERGED)).config).toMatchObject({
      emailRecipients: ['live@example.com'],
      slackWebhookSecret: 'jobs/slack',
      maxAlertsPerHour: 5,
    });
  });

  it('prints a "Change a field with" command that runs when pasted into a shell', async () => {
    await jobs('alerts', HINTED, '--set', '{"emailRecipients":["live@example.com"]}');
    const shown = await jobs('alerts', HINTED);
    const hint = /^Change (?:it|a field) with: (npx jobctl .*)$/m.exec(shown.stdout)?.[1];
    if (hint === undefined) throw new Error(`no hint in:\n${shown.stdout}`);

    const pasted = await promisify(execFile)('/bin/sh', ['-c', hint], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });

    expect(pasted.stdout).toContain(`Saved the alert config of ${HINTED}.`);
    expect((await alertsOf(HINTED)).config.emailRecipients).toEqual(['live@example.com']);
  });

  it('keeps a resume of a job declared paused across a restart of the runtime', async () => {
    const pausedAtFirst = await pausedOf(RESUMED);
    const resumed = await jobs('resume', RESUMED);
    await runtime?.stop();
    runtime = await startRuntime();

    const pausedAfterRestart = await pausedOf(RESUMED);

    expect(pausedAtFirst).toBe(true);
    expect(resumed.code).toBe(0);
    expect(pausedAfterRestart).toBe(false);
  });
});
