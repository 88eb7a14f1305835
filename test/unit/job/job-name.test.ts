import { describe, expect, it, test } from 'vitest';
import {
  jobFileFromStack,
  jobNameFromFile,
  jobNameProblem,
  MAX_JOB_NAME_LENGTH,
} from '../../../shared/job/job-name';

describe('jobNameProblem', () => {
  test.each(['daily-report', 'a', '7', 'report-2026', 'x'.repeat(MAX_JOB_NAME_LENGTH)])(
    'finds nothing wrong with %s',
    (name) => {
      expect(jobNameProblem(name)).toBeUndefined();
    },
  );

  test.each([
    ['DailyReport', 'daily-report'],
    ['dailyReport', 'daily-report'],
    ['daily_report', 'daily-report'],
    ['DAILY REPORT', 'daily-report'],
    ['-daily-report', 'daily-report'],
    ['daily--report', 'daily-report'],
    ['sendHTMLEmail', 'send-html-email'],
    ['S3Sync', 's3-sync'],
  ])('suggests a kebab name for %s', (name, suggestion) => {
    expect(jobNameProblem(name)).toBe(
      `"${name}" is not lower-case kebab (a-z, 0-9, single hyphens between words); try "${suggestion}"`,
    );
  });

  it('says an empty name is empty', () => {
    expect(jobNameProblem('')).toBe(
      'must not be empty; use lower-case kebab, such as "daily-report"',
    );
  });

  it('says how long a name over 48 characters is', () => {
    const name = `${'report-'.repeat(7)}x`;

    expect(jobNameProblem(name)).toBe(
      `"${name}" is 50 characters long; a job name has at most 48, so shorten it`,
    );
  });
});

describe('jobNameFromFile', () => {
  test.each([
    ['functions/jobs/daily-report.job.ts', 'daily-report'],
    ['/abs/functions/jobs/billing/invoice.job.ts', 'invoice'],
    ['C:\\proj\\functions\\jobs\\cleanup.job.ts', 'cleanup'],
    ['dist/send-email.job.mjs', 'send-email'],
    ['dist/send-email.job.cjs', 'send-email'],
    ['src/legacy.job.mts', 'legacy'],
    ['src/Bad_Name.job.ts', 'Bad_Name'],
  ])('reads the job name of %s as %s', (file, name) => {
    expect(jobNameFromFile(file)).toBe(name);
  });

  test.each([
    'functions/jobs/helpers.ts',
    'functions/jobs/daily-report.test.ts',
    'functions/jobs/daily-report.job.ts.bak',
    'functions/jobs/.job.ts',
  ])('finds no job name in %s', (file) => {
    expect(jobNameFromFile(file)).toBeUndefined();
  });
});

describe('jobFileFromStack', () => {
  test.each([
    [
      'a named frame with a file URL',
      '    at fn (file:///a/b/daily-report.job.ts:3:7)',
      '/a/b/daily-report.job.ts',
    ],
    ['an anonymous frame with a path', '    at /a/b/x.job.ts:3:7', '/a/b/x.job.ts'],
    ['an anonymous frame with a file URL', '    at file:///a/b/x.job.ts:3:7', '/a/b/x.job.ts'],
    ['a Windows file URL', '    at file:///C:/a/y.job.mts:1:1', 'C:/a/y.job.mts'],
    ['a Windows path', '    at fn (C:\\a\\b\\z.job.ts:3:7)', 'C:\\a\\b\\z.job.ts'],
    ['an escaped file URL', '    at fn (file:///my%20work/w.job.js:3:7)', '/my work/w.job.js'],
    ['an async frame', '    at async run (/a/b/x.job.ts:10:2)', '/a/b/x.job.ts'],
    ['a constructor frame', '    at new Job (/a/b/x.job.ts:1:2)', '/a/b/x.job.ts'],
    ['a module frame', '    at Object.<anonymous> (/a/b/x.job.cjs:1:2)', '/a/b/x.job.cjs'],
    ['a frame without a position', '    at /a/b/x.job.ts', '/a/b/x.job.ts'],
  ])('reads the job file from %s', (_case, stack, file) => {
    expect(jobFileFromStack(stack)).toBe(file);
  });

  it('takes the nearest job file frame, the one that called defineJob', () => {
    const stack = [
      'Error',
      '    at inferNameFromCaller (file:///w/shared/job/define-job.ts:120:16)',
      '    at defineJob (file:///w/shared/job/define-job.ts:110:24)',
      '    at file:///w/functions/jobs/nightly.job.ts:4:16',
      '    at load (file:///w/functions/jobs/loader.job.ts:9:3)',
    ].join('\n');

    expect(jobFileFromStack(stack)).toBe('/w/functions/jobs/nightly.job.ts');
  });

  it('finds no job file in a stack of other files', () => {
    const stack = [
      'Error',
      '    at defineJob (file:///w/shared/job/define-job.ts:110:24)',
      '    at file:///w/test/unit/job/define-job.test.ts:12:5',
      '    at node:internal/modules/esm/module_job:271:25',
    ].join('\n');

    expect(jobFileFromStack(stack)).toBeUndefined();
  });

  it('finds no job file in a missing stack', () => {
    expect(jobFileFromStack(undefined)).toBeUndefined();
  });

  it('ignores a job file named in an error message rather than a frame', () => {
    const stack = 'Error: could not load daily.job.ts because of x\n    at /w/other.ts:1:1';

    expect(jobFileFromStack(stack)).toBeUndefined();
  });
});
