import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  convertLegacyJobs,
  formatOf,
  jobNameFromLegacy,
  LegacyImportError,
  type LegacyJobRow,
  parseLegacyExport,
} from '../../../cli/legacy-import';
import { alertConfigSchema } from '../../../shared/alerts/alert-config';
import { JobsError } from '../../../shared/errors';
import { createTestInvoker } from '../../../shared/testing/index';
import { useTempProjects } from './fixtures/temp-project';

// Loading job files goes through esbuild and a dynamic import: allow for a slow machine.
const LOAD_TIMEOUT_MS = 30_000;
const HEADER =
  'ID,JobName,CronExpression,StoredProcName,IsActive,LastRun,NextRun,LastResult,FailureCount,EmailOnFailure';

function fixture(name: string): Promise<string> {
  return readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** A legacy row with everything a converter needs, and `overrides` on top. */
function row(overrides: Partial<LegacyJobRow> = {}): LegacyJobRow {
  return {
    row: 1,
    id: '1',
    jobName: 'Nightly Sales Report',
    cronExpression: '0 2 * * *',
    storedProcName: 'usp_NightlySales',
    isActive: true,
    emailOnFailure: false,
    emailRecipients: [],
    ...overrides,
  };
}

/** Rows numbered from 1, one per name. */
function rowsNamed(...names: string[]): LegacyJobRow[] {
  return names.map((jobName, index) => row({ row: index + 1, id: String(index + 1), jobName }));
}

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('formatOf', () => {
  it.each([
    ['c_Job.csv', 'csv'],
    ['exports/c_Job.JSON', 'json'],
  ])('reads the format of %s from its extension', (fileName, format) => {
    expect(formatOf(fileName)).toBe(format);
  });

  it('refuses a file whose extension says neither CSV nor JSON, naming it', () => {
    const error = thrownBy(() => formatOf('c_Job.xlsx'));

    expect(error).toBeInstanceOf(LegacyImportError);
    expect(error.message).toContain('"c_Job.xlsx"');
  });
});

describe('parseLegacyExport', () => {
  const expectedRows = [
    {
      row: 1,
      id: '1',
      jobName: 'Nightly Sales Report',
      cronExpression: '0 2 * * *',
      storedProcName: 'usp_NightlySales',
      isActive: true,
      emailOnFailure: true,
      emailRecipients: ['sales@example.com', 'ann@example.com'],
      lastResult: 'Success, 1,204 rows',
    },
    {
      row: 2,
      jobName: 'Stock Sync, Warehouse "North"',
      cronExpression: '*/15 * * * *',
      storedProcName: 'inventory.usp_SyncStock',
      isActive: true,
      emailOnFailure: false,
      emailRecipients: [],
    },
    {
      row: 3,
      jobName: 'PurgeOldAuditRows',
      isActive: false,
      emailOnFailure: true,
      emailRecipients: ['dba@example.com'],
      lastResult: 'Failed: timeout\nafter 600 s',
      failureCount: '3',
    },
    { row: 4, jobName: 'Quartz Style Job', cronExpression: '0 0 4 * * ?', emailOnFailure: false },
  ];

  it('reads a CSV export, with quoted fields that hold commas, quotes and line breaks', async () => {
    const text = await fixture('legacy-export.csv');

    const rows = parseLegacyExport(text, 'csv');

    expect(rows).toMatchObject(expectedRows);
  });

  it('numbers CSV rows by the line they start on, counting the lines of quoted fields', async () => {
    const text = await fixture('legacy-export.csv');

    const rows = parseLegacyExport(text, 'csv');

    expect(rows.map((entry) => entry.line)).toEqual([2, 3, 4, 6]);
  });

  it('reads the same rows from a JSON export, with numbers, booleans and missing keys', async () => {
    const text = await fixture('legacy-export.json');

    const rows = parseLegacyExport(text, 'json');

    expect(rows).toMatchObject(expectedRows);
    expect(rows[3]?.lastRun).toBeUndefined();
  });

  it('reads a semicolon-separated CSV, as spreadsheets in many locales save it', () => {
    const text = [
      'ID;JobName;CronExpression;StoredProcName;IsActive;EmailOnFailure',
      '7;Rapport, journalier;0 6 * * *;usp_Rapport;1;0',
    ].join('\r\n');

    const rows = parseLegacyExport(text, 'csv');

    expect(rows).toMatchObject([{ id: '7', jobName: 'Rapport, journalier', isActive: true }]);
  });

  it('matches column names whatever their case, spaces or underscores', () => {
    const text = ['job_name,CRONEXPRESSION,Stored Proc Name', 'Tidy Up,0 1 * * *,usp_Tidy'].join(
      '\n',
    );

    const rows = parseLegacyExport(text, 'csv');

    expect(rows).toMatchObject([
      { jobName: 'Tidy Up', cronExpression: '0 1 * * *', storedProcName: 'usp_Tidy' },
    ]);
  });

  it.each([
    ['1', true],
    ['TRUE', true],
    ['Yes', true],
    ['0', false],
    ['false', false],
    ['NO', false],
  ])('reads the flag %j as %s', (flag, expected) => {
    const text = [HEADER, `1,Flagged,0 2 * * *,usp_Flag,${flag},,,,,${flag}`].join('\n');

    const [parsed] = parseLegacyExport(text, 'csv');

    expect(parsed?.isActive).toBe(expected);
    expect(parsed?.emailOnFailure).toBe(expected);
  });

  it('reads an empty IsActive as active and an empty EmailOnFailure as off', () => {
    const text = [HEADER, '1,Unflagged,0 2 * * *,usp_Flag,,,,,,'].join('\n');

    const [parsed] = parseLegacyExport(text, 'csv');

    expect(parsed).toMatchObject({ isActive: true, emailOnFailure: false });
  });

  describe('refuses malformed input, naming the line or row', () => {
    it.each([
      [
        'a CSV quote that is never closed',
        'csv',
        `${HEADER}\n1,"Nightly,0 2 * * *,usp_X,1,,,,,0\n`,
        'line 2',
      ],
      [
        'a CSV row with a field too many',
        'csv',
        `${HEADER}\n1,A,0 2 * * *,usp_A,1,,,,,0\n2,B,0 3 * * *,usp,B,1,,,,,0\n`,
        'Invalid Record Length: expect 10, got 11 on line 3',
      ],
      [
        'a CSV header without JobName',
        'csv',
        'ID,Name,CronExpression,StoredProcName\n1,A,0 2 * * *,usp_A\n',
        'The CSV header has no JobName column; found "ID", "Name"',
      ],
      [
        'a CSV flag that is neither on nor off',
        'csv',
        `${HEADER}\n1,A,0 2 * * *,usp_A,1,,,,,0\n2,B,0 3 * * *,usp_B,maybe,,,,,0\n`,
        'IsActive on line 3 is "maybe"',
      ],
      ['an empty CSV file', 'csv', '', 'The CSV export is empty'],
      [
        'JSON with a syntax error',
        'json',
        '[\n  { "JobName": "A", "CronExpression": "0 2 * * *" },\n  { "JobName": "B" "CronExpression": "x" }\n]',
        'The JSON export is not valid JSON (line 3, column 20)',
      ],
      ['JSON that is not an array', 'json', '{ "JobName": "A" }', 'must be an array of rows'],
      [
        'a JSON row that is not an object',
        'json',
        '[{ "JobName": "A", "CronExpression": "0 2 * * *", "StoredProcName": "x" }, "B"]',
        "The JSON export's row 2 (index 1) must be an object of columns",
      ],
      [
        'a JSON cell holding an object',
        'json',
        '[{ "JobName": { "en": "A" }, "CronExpression": "0 2 * * *", "StoredProcName": "x" }]',
        'JobName on row 1 (index 0) must be text or a number, got an object',
      ],
      [
        'a JSON recipient that is an object',
        'json',
        '[{ "JobName": "A", "CronExpression": "0 2 * * *", "StoredProcName": "x", "EmailRecipients": ["a@example.com", { "to": "b" }] }]',
        'EmailRecipients on row 1 (index 0) must be text or a number, got an object',
      ],
      [
        'a JSON row with two cells at fault, naming both',
        'json',
        '[{ "JobName": ["A"], "CronExpression": "0 2 * * *", "StoredProcName": "x", "IsActive": "maybe" }]',
        'JobName on row 1 (index 0) must be text or a number, got an array; IsActive on row 1 (index 0) is "maybe"',
      ],
      [
        'JSON rows that have no CronExpression at all',
        'json',
        '[{ "JobName": "A", "StoredProcName": "x" }]',
        'No row of the JSON export has CronExpression',
      ],
    ] as const)('%s', (_case, format, text, message) => {
      const error = thrownBy(() => parseLegacyExport(text, format));

      expect(error).toBeInstanceOf(LegacyImportError);
      expect(error).toBeInstanceOf(JobsError);
      expect(error.name).toBe('LegacyImportError');
      expect(error.message).toContain(message);
    });
  });
});

describe('jobNameFromLegacy', () => {
  it.each([
    ['Nightly Sales Report', 'nightly-sales-report'],
    ['NightlySalesReport', 'nightly-sales-report'],
    ['ETLLoadV2', 'etl-load-v2'],
    ['usp_Daily_Export', 'usp-daily-export'],
    ['  Stock Sync, Warehouse "North"  ', 'stock-sync-warehouse-north'],
    ['Rapport journalier été', 'rapport-journalier-ete'],
    ['日次レポート', ''],
  ])('turns %j into %j', (legacyName, expected) => {
    expect(jobNameFromLegacy(legacyName)).toBe(expected);
  });

  it('shortens a long name to 48 characters, ending on a whole word', () => {
    const legacyName = 'Monthly Reconciliation Of Outstanding Supplier Invoices And Credit Notes';

    const name = jobNameFromLegacy(legacyName);

    expect(name).toBe('monthly-reconciliation-of-outstanding-supplier');
    expect(name.length).toBeLessThanOrEqual(48);
  });
});

describe('convertLegacyJobs', () => {
  describe('names', () => {
    it('names each job after its legacy JobName, and its file after the job', () => {
      const rows = rowsNamed('Nightly Sales Report', 'StockSync');

      const { jobs } = convertLegacyJobs(rows);

      expect(jobs.map((job) => [job.name, job.path, job.legacyName])).toEqual([
        [
          'nightly-sales-report',
          'functions/jobs/nightly-sales-report.job.ts',
          'Nightly Sales Report',
        ],
        ['stock-sync', 'functions/jobs/stock-sync.job.ts', 'StockSync'],
      ]);
    });

    it('gives names that collide a -2, -3 suffix, and reports each rename with the row it clashed with', () => {
      const rows = rowsNamed('Nightly Report', 'NightlyReport', 'nightly_report');

      const { jobs, problems } = convertLegacyJobs(rows);

      expect(jobs.map((job) => job.name)).toEqual([
        'nightly-report',
        'nightly-report-2',
        'nightly-report-3',
      ]);
      expect(problems).toEqual([
        {
          row: 2,
          legacyId: '2',
          legacyName: 'NightlyReport',
          reason:
            'The job name "nightly-report" is taken by row 1; this job is named "nightly-report-2"',
          skipped: false,
        },
        expect.objectContaining({ row: 3, reason: expect.stringContaining('"nightly-report-3"') }),
      ]);
    });

    it('keeps a suffixed name within 48 characters', () => {
      const long = 'Monthly Reconciliation Of Outstanding Supplier Invoices';
      const rows = rowsNamed(long, long);

      const { jobs } = convertLegacyJobs(rows);

      expect(jobs.map((job) => job.name)).toEqual([
        'monthly-reconciliation-of-outstanding-supplier',
        'monthly-reconciliation-of-outstanding-supplier-2',
      ]);
      expect(jobs.every((job) => job.name.length <= 48)).toBe(true);
    });

    it("renames a job whose name the project's own jobs already have", () => {
      const rows = rowsNamed('Daily Report');

      const { jobs, problems } = convertLegacyJobs(rows, { reservedNames: ['daily-report'] });

      expect(jobs[0]?.name).toBe('daily-report-2');
      expect(problems[0]?.reason).toBe(
        'The job name "daily-report" is taken by an existing job; this job is named "daily-report-2"',
      );
    });

    it('names a job after its legacy ID when its JobName keeps no letter or digit, and says so', () => {
      const rows = [row({ id: '42', jobName: '日次レポート' })];

      const { jobs, problems } = convertLegacyJobs(rows);

      expect(jobs[0]?.name).toBe('legacy-job-42');
      expect(problems[0]).toMatchObject({
        skipped: false,
        reason: expect.stringContaining('(a-z, 0-9)'),
      });
    });

    it('reports a name shortened to 48 characters', () => {
      const rows = [row({ jobName: 'A'.repeat(10).split('').join(' ').repeat(10) })];

      const { jobs, problems } = convertLegacyJobs(rows);

      expect(jobs[0]?.name.length).toBeLessThanOrEqual(48);
      expect(problems[0]?.reason).toContain('is longer than a job name may be (48 characters)');
    });
  });

  describe('schedules', () => {
    it('keeps a 5-field cron in the time zone it is given', () => {
      const rows = [row({ cronExpression: '30 3 * * 0' })];

      const { jobs } = convertLegacyJobs(rows, { timezone: 'Europe/Paris' });

      expect(jobs[0]?.source).toContain(
        "schedule: { cron: '30 3 * * 0', timezone: 'Europe/Paris' },",
      );
    });

    it('writes crons in UTC when no time zone is given', () => {
      const { jobs } = convertLegacyJobs([row()]);

      expect(jobs[0]?.source).toContain("timezone: 'UTC'");
    });

    it.each([
      ['0 0 4 * * ?', 'starting with seconds (Quartz style)'],
      ['0 0 4 * * ? 2024', 'Drop the seconds: "0 4 * * *"'],
      ['0 12 * * ? *', 'one with 6 fields starts with seconds'],
      ['every night at two', 'Unix cron takes 5 fields'],
      ['@reboot', '"@reboot" is not a schedule Scheduler can run'],
      ['61 * * * *', '61'],
      ['0 2 1 * MON', 'both day-of-month ("1") and day-of-week ("MON") are set'],
    ])('leaves out a row with the cron %j, reporting why', (cronExpression, reason) => {
      const rows = [row({ cronExpression })];

      const { jobs, problems } = convertLegacyJobs(rows);

      expect(jobs).toEqual([]);
      expect(problems).toEqual([
        {
          row: 1,
          legacyId: '1',
          legacyName: 'Nightly Sales Report',
          reason: expect.stringContaining(reason),
          skipped: true,
        },
      ]);
      expect(problems[0]?.reason).toContain(
        `CronExpression "${cronExpression}" cannot be converted`,
      );
    });

    it('says that a 6-field legacy cron starts with seconds, and how it reads without them', () => {
      const { problems } = convertLegacyJobs([row({ cronExpression: '0 0 4 * * *' })]);

      expect(problems[0]?.reason).toContain('starting with seconds (Quartz style)');
      expect(problems[0]?.reason).toContain('Drop the seconds: "0 4 * * *"');
    });

    it('writes a job with no cron as an on-demand job, and reports it', () => {
      const rows = [row({ cronExpression: '' })];

      const { jobs, problems } = convertLegacyJobs(rows);

      expect(jobs[0]?.source).not.toContain('schedule: {');
      expect(problems[0]).toMatchObject({
        skipped: false,
        reason: expect.stringContaining('on demand'),
      });
    });

    it('refuses an unknown time zone before converting anything', () => {
      const error = thrownBy(() => convertLegacyJobs([row()], { timezone: 'Europe/Atlantis' }));

      expect(error).toBeInstanceOf(LegacyImportError);
      expect(error.message).toContain('Unknown time zone "Europe/Atlantis"');
    });
  });

  describe('the generated file', () => {
    it('documents the stored procedure it replaces, in the dbo schema when none is given', () => {
      const { jobs } = convertLegacyJobs([row({ storedProcName: 'usp_NightlySales' })]);

      expect(jobs[0]?.source).toContain('where it ran the stored');
      expect(jobs[0]?.source).toContain('dbo.usp_NightlySales');
    });

    it("keeps a stored procedure's own schema", () => {
      const { jobs } = convertLegacyJobs([row({ storedProcName: 'inventory.usp_SyncStock' })]);

      expect(jobs[0]?.source).toContain('not ported yet: port inventory.usp_SyncStock');
      expect(jobs[0]?.source).not.toContain('dbo.inventory');
    });

    it('throws from run, so that nothing runs by accident', () => {
      const { jobs } = convertLegacyJobs([row()]);

      expect(jobs[0]?.source).toContain('throw new NonRetriableError(');
      expect(jobs[0]?.source).toContain('not ported yet: port dbo.usp_NightlySales');
    });

    it('keeps text from the export from breaking out of its strings and comments', () => {
      const jobName = `It's "done" */ console.log('escaped') /* \\\n`;

      const { jobs } = convertLegacyJobs([row({ jobName })]);

      const source = jobs[0]?.source ?? '';
      const docComment = source.slice(source.indexOf('/**'), source.indexOf('*/') + 2);
      expect(docComment).toContain(`It's "done" *\\/ console.log('escaped') /* \\"`);
      expect(source).toContain(`displayName: "It's \\"done\\" */ console.log('escaped') /* \\\\",`);
    });
  });

  describe('inactive jobs', () => {
    it('writes them with paused: true, so that they start paused, and says how to resume', () => {
      const rows = [
        row({ row: 1, jobName: 'Still Running', isActive: true }),
        row({ row: 2, jobName: 'Switched Off', isActive: false }),
      ];

      const { jobs } = convertLegacyJobs(rows);

      expect(jobs.map((job) => [job.name, job.active])).toEqual([
        ['still-running', true],
        ['switched-off', false],
      ]);
      expect(jobs[0]?.source).not.toContain('paused');
      expect(jobs[1]?.source).toContain('\n  paused: true,\n');
      expect(jobs[1]?.source).toContain('npx jobctl resume switched-off');
    });
  });

  describe('alert configs', () => {
    it('gives a job with EmailOnFailure an alert config on failure, to its recipients', () => {
      const rows = [
        row({ emailOnFailure: true, emailRecipients: ['sales@example.com', 'ann@example.com'] }),
      ];

      const { alertConfigs, problems } = convertLegacyJobs(rows);

      expect(alertConfigs).toEqual([
        {
          jobName: 'nightly-sales-report',
          config: alertConfigSchema.parse({
            onFailure: true,
            emailRecipients: ['sales@example.com', 'ann@example.com'],
          }),
        },
      ]);
      expect(problems).toEqual([]);
    });

    it('gives no alert config to a job without EmailOnFailure', () => {
      const rows = [row({ emailOnFailure: false, emailRecipients: ['sales@example.com'] })];

      const { alertConfigs } = convertLegacyJobs(rows);

      expect(alertConfigs).toEqual([]);
    });

    it('leaves a bad address out, reports it, and still writes the job', () => {
      const rows = [
        row({ emailOnFailure: true, emailRecipients: ['sales@example.com', 'not-an-address'] }),
      ];

      const { jobs, alertConfigs, problems } = convertLegacyJobs(rows);

      expect(jobs).toHaveLength(1);
      expect(alertConfigs[0]?.config.emailRecipients).toEqual(['sales@example.com']);
      expect(problems).toEqual([
        expect.objectContaining({
          row: 1,
          skipped: false,
          reason:
            'EmailRecipients has "not-an-address", which must be an email address; it is left out of the alert config of "nightly-sales-report"',
        }),
      ]);
    });

    it('reports EmailOnFailure without recipients, so that someone adds them', () => {
      const rows = [row({ emailOnFailure: true, emailRecipients: [] })];

      const { alertConfigs, problems } = convertLegacyJobs(rows);

      expect(alertConfigs[0]?.config).toMatchObject({ onFailure: true, emailRecipients: [] });
      expect(problems[0]?.reason).toContain('EmailOnFailure is on but the export gives no valid');
    });
  });

  it('converts the rows of a parsed export end to end, reporting the one it leaves out', async () => {
    const rows = parseLegacyExport(await fixture('legacy-export.csv'), 'csv');

    const { jobs, alertConfigs, problems } = convertLegacyJobs(rows);

    expect(jobs.map((job) => [job.name, job.active])).toEqual([
      ['nightly-sales-report', true],
      ['stock-sync-warehouse-north', true],
      ['purge-old-audit-rows', false],
    ]);
    expect(alertConfigs.map((entry) => [entry.jobName, entry.config.emailRecipients])).toEqual([
      ['nightly-sales-report', ['sales@example.com', 'ann@example.com']],
      ['purge-old-audit-rows', ['dba@example.com']],
    ]);
    expect(problems.map((problem) => [problem.row, problem.legacyName, problem.skipped])).toEqual([
      [4, 'Quartz Style Job', true],
    ]);
  });

  it('converts an export of 10,000 rows, reporting progress for each', () => {
    const lines = Array.from(
      { length: 10_000 },
      (_, index) =>
        `${index + 1},"Report ${index % 2_000}, region ${index % 7}",${index % 60} ${index % 24} * * *,usp_Report${index},${index % 5 === 0 ? 0 : 1},,,,,${index % 3 === 0 ? 1 : 0}`,
    );
    const text = [HEADER, ...lines].join('\r\n');
    const onProgress = vi.fn();

    const result = convertLegacyJobs(parseLegacyExport(text, 'csv'), { onProgress });

    expect(result.jobs).toHaveLength(10_000);
    expect(new Set(result.jobs.map((job) => job.name)).size).toBe(10_000);
    expect(result.alertConfigs).toHaveLength(3_334);
    expect(onProgress).toHaveBeenCalledTimes(10_000);
    expect(onProgress).toHaveBeenLastCalledWith(10_000, 10_000);
  });
});

describe('imported job files', { timeout: LOAD_TIMEOUT_MS }, () => {
  const createProject = useTempProjects('test-legacy-import');

  it('load through discovery with their legacy schedules, and fail every run until ported', async () => {
    const project = await createProject();
    const rows = parseLegacyExport(await fixture('legacy-export.json'), 'json');
    const { jobs } = convertLegacyJobs(rows, { timezone: 'Europe/Paris' });
    for (const job of jobs) await project.write(job.path, job.source);

    const discovered = await project.discover();
    const nightly = discovered.get('nightly-sales-report')?.definition;
    const invoker = createTestInvoker({ jobs: discovered.values() });
    const execution = await invoker.run('nightly-sales-report');

    expect([...discovered.keys()].sort()).toEqual(jobs.map((job) => job.name).sort());
    expect(nightly?.schedule?.expression).toBe('cron(0 2 * * ? *)');
    expect(nightly?.schedule?.timezone).toBe('Europe/Paris');
    expect(nightly?.displayName).toBe('Nightly Sales Report');
    expect(discovered.get('stock-sync-warehouse-north')?.definition.schedule?.expression).toBe(
      'cron(0/15 * * * ? *)',
    );
    expect(execution.status).toBe('failed');
    expect(execution.error?.name).toBe('NonRetriableError');
    expect(execution.error?.message).toContain('not ported yet: port dbo.usp_NightlySales');
    expect(invoker.history('nightly-sales-report')).toHaveLength(1);
  });

  it('start paused when the legacy job was inactive, as their definitions say', async () => {
    const project = await createProject();
    const rows = [
      row({ row: 1, jobName: 'Still Running', isActive: true }),
      row({ row: 2, jobName: 'Switched Off', isActive: false }),
    ];
    const { jobs } = convertLegacyJobs(rows);
    for (const job of jobs) await project.write(job.path, job.source);

    const discovered = await project.discover();
    const invoker = createTestInvoker({ jobs: discovered.values() });
    const tick = await invoker.run('switched-off', undefined, {
      trigger: 'schedule',
      scheduledTime: '2026-06-01T02:00:00Z',
    });

    expect(discovered.get('switched-off')?.definition.paused).toBe(true);
    expect(discovered.get('still-running')?.definition.paused).toBe(false);
    expect(tick).toMatchObject({ status: 'skipped', skipReason: 'paused' });
  });

  it('pass Biome as this repository configures it, whatever the export held', async () => {
    const project = await createProject();
    const rows = [
      row({ row: 1, jobName: 'Nightly Sales Report' }),
      row({ row: 2, jobName: `It's "done" */ \\ ${'and on '.repeat(20)}`, isActive: false }),
      row({ row: 3, jobName: 'Ad Hoc Export', cronExpression: '', storedProcName: '' }),
      row({ row: 4, jobName: '日次レポート'.repeat(10), lastRun: '2024-05-01', failureCount: '2' }),
    ];
    const { jobs } = convertLegacyJobs(rows);
    for (const job of jobs) await project.write(job.path, job.source);

    const { passed, output } = await project.lint();

    expect(output).toContain(`Checked ${jobs.length} files`);
    expect(passed, output).toBe(true);
  });
});
