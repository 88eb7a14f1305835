import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, memoryIo } from './cli-harness';

const HEADER = 'ID,JobName,CronExpression,StoredProcName,IsActive,EmailOnFailure,EmailRecipients';
const EXPORT = [
  HEADER,
  '1,Nightly Sales Report,0 2 * * *,dbo.usp_NightlySales,1,1,ops@example.com',
  '2,Weekly Cleanup,0 3 * * 0,dbo.usp_Cleanup,0,0,',
  '3,Broken,61 * * * *,dbo.usp_Broken,1,0,',
  '',
].join('\n');

let project: string;

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'jobs-import-'));
  await writeFile(join(project, 'c_Job.csv'), EXPORT);
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

function jobsImport(...args: string[]) {
  return cli(['import', ...args], { io: memoryIo({ cwd: project }) });
}

async function jobFiles(): Promise<string[]> {
  try {
    return (await readdir(join(project, 'functions/jobs'))).sort();
  } catch {
    return [];
  }
}

describe('jobs import', () => {
  it('writes a job file per row and the alert configs, keyed by job name', async () => {
    await jobsImport('c_Job.csv', '--timezone', 'Europe/London');

    expect(await jobFiles()).toEqual(['nightly-sales-report.job.ts', 'weekly-cleanup.job.ts']);
    const source = await readFile(
      join(project, 'functions/jobs/nightly-sales-report.job.ts'),
      'utf8',
    );
    expect(source).toContain("schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },");
    const configs = JSON.parse(await readFile(join(project, 'alert-config.import.json'), 'utf8'));
    expect(configs).toEqual({
      'nightly-sales-report': expect.objectContaining({
        onFailure: true,
        emailRecipients: ['ops@example.com'],
      }),
    });
  });

  it('reports each row it could not import with its reason, lists the inactive jobs it wrote paused, and exits 1', async () => {
    const { code, stdout, stderr } = await jobsImport('c_Job.csv');

    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const notImported = lines.indexOf('Not imported:');
    expect(notImported).toBeGreaterThan(0);
    expect(lines[notImported + 1]).toMatch(/^ {2}row 3 \(Broken\): .*"61 \* \* \* \*"/);
    expect(lines.slice(-3)).toEqual([
      'Inactive in the legacy system (IsActive = 0), so its file says paused: true: it starts paused, locally and when deployed, until resumed with npx jobctl resume <name>:',
      '  weekly-cleanup',
      '',
    ]);
    expect(stdout).not.toContain('npx jobctl pause');
    expect(await readFile(join(project, 'functions/jobs/weekly-cleanup.job.ts'), 'utf8')).toContain(
      '  paused: true,\n',
    );
    expect(stderr).toBe(
      'error: 1 row was not imported (see above): fix it in the export and import it again; files already written are left alone.\n',
    );
  });

  it('never overwrites a job file, and says which it left alone', async () => {
    await mkdir(join(project, 'functions/jobs'), { recursive: true });
    await writeFile(join(project, 'functions/jobs/weekly-cleanup.job.ts'), '// mine\n');

    const { stdout } = await jobsImport('c_Job.csv');

    expect(await readFile(join(project, 'functions/jobs/weekly-cleanup.job.ts'), 'utf8')).toBe(
      '// mine\n',
    );
    expect(stdout).toContain(
      'Left alone, because a job file of that name exists (rename it if it is not this legacy job, and import again):\n  functions/jobs/weekly-cleanup.job.ts (Weekly Cleanup)\n',
    );
    expect(stdout).not.toContain('npx jobctl pause weekly-cleanup');
  });

  it('gives no alert config to a row whose job file it left alone', async () => {
    await mkdir(join(project, 'functions/jobs'), { recursive: true });
    await writeFile(join(project, 'functions/jobs/nightly-sales-report.job.ts'), '// mine\n');

    const { stdout } = await jobsImport('c_Job.csv');

    await expect(readFile(join(project, 'alert-config.import.json'))).rejects.toThrow(/ENOENT/);
    expect(stdout).not.toContain('alert config');
    expect(stdout).toContain('functions/jobs/nightly-sales-report.job.ts (Nightly Sales Report)');
  });

  it('writes nothing with --dry-run, and says what it would write', async () => {
    const { stdout } = await jobsImport('c_Job.csv', '--dry-run');

    expect(await jobFiles()).toEqual([]);
    await expect(readFile(join(project, 'alert-config.import.json'))).rejects.toThrow();
    expect(stdout).toMatch(/^Would create 2 job files:\n/);
    expect(stdout).toContain('Would write 1 alert config to alert-config.import.json');
  });

  it('shows its progress on stderr for a large export', async () => {
    const rows = Array.from(
      { length: 1000 },
      (_, index) => `${index},Job ${index},0 2 * * *,dbo.p${index},1,0,`,
    );
    await writeFile(join(project, 'big.csv'), [HEADER, ...rows, ''].join('\n'));

    const { code, stdout, stderr } = await jobsImport('big.csv', '--dry-run');

    expect(code).toBe(0);
    expect(stderr.split('\n')).toEqual([
      'Converting 1000 rows...',
      ...Array.from(
        { length: 10 },
        (_, tenth) => `  ${(tenth + 1) * 100}/1000 rows (${(tenth + 1) * 10}%)`,
      ),
      '',
    ]);
    expect(stdout).toContain('  ... and 950 more in functions/jobs/');
  });

  it.each([
    ['missing.csv', /^error: There is no file .*missing\.csv: pass the path of the c_Job export/],
    ['c_Job.txt', /^error: Cannot tell whether "c_Job\.txt" is CSV or JSON from its extension/],
  ])('exits 1 for %s, saying what to pass', async (file, message) => {
    const { code, stderr } = await jobsImport(file);

    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('rejects an unknown --timezone, writing nothing', async () => {
    const { code, stderr } = await jobsImport('c_Job.csv', '--timezone', 'Europe/Londn');

    expect(code).toBe(1);
    expect(stderr).toContain('error: Unknown time zone "Europe/Londn"');
    expect(await jobFiles()).toEqual([]);
  });

  describe('--help', () => {
    it('lists every column the importer reads, saying which are required', async () => {
      const { code, stdout } = await jobsImport('--help');

      expect(code).toBe(0);
      const columns = new Map(
        [...stdout.matchAll(/^ {2}(\w+) +(required|optional) {2}/gm)].map((match) => [
          match[1],
          match[2],
        ]),
      );
      expect(Object.fromEntries(columns)).toEqual({
        ID: 'optional',
        JobName: 'required',
        CronExpression: 'required',
        StoredProcName: 'required',
        IsActive: 'optional',
        LastRun: 'optional',
        NextRun: 'optional',
        LastResult: 'optional',
        FailureCount: 'optional',
        EmailOnFailure: 'optional',
        EmailRecipients: 'optional',
      });
      expect(stdout).toContain('c_JobAlertRecipient');
    });

    it.each([
      ['CSV', 'example.csv', /^CSV:.*\n.*\n((?: {2}.*\n)+)/m],
      ['JSON', 'example.json', /^JSON:.*\n((?: {2}.*\n)+)/m],
    ])('gives a %s example that imports as shown', async (_format, file, example) => {
      const help = await jobsImport('--help');
      const text = example.exec(help.stdout)?.[1]?.replace(/^ {2}/gm, '') ?? '';
      await writeFile(join(project, file), text);

      const { code, stdout, stderr } = await jobsImport(file);

      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(await jobFiles()).toEqual(['nightly-sales-report.job.ts']);
      const configs = JSON.parse(await readFile(join(project, 'alert-config.import.json'), 'utf8'));
      expect(configs['nightly-sales-report'].emailRecipients).toEqual([
        'ops@example.com',
        'sales@example.com',
      ]);
      expect(stdout).toContain('functions/jobs/nightly-sales-report.job.ts');
    });
  });
});
