import { describe, expect, it, test } from 'vitest';
import { z } from 'zod';
import { JobDefinitionError } from '../../../shared/errors';
import { defineJob } from '../../../shared/job/define-job';
import { definitionError, definitionIssues, noop } from './definition-issues';

const KEBAB_RULE = 'is not lower-case kebab (a-z, 0-9, single hyphens between words)';

describe('defineJob name', () => {
  test.each([
    ['upper case', 'DailyReport', `"DailyReport" ${KEBAB_RULE}; try "daily-report"`],
    ['underscores', 'daily_report', `"daily_report" ${KEBAB_RULE}; try "daily-report"`],
    ['spaces', 'Daily Report', `"Daily Report" ${KEBAB_RULE}; try "daily-report"`],
    ['a double hyphen', 'daily--report', `"daily--report" ${KEBAB_RULE}; try "daily-report"`],
    ['a trailing hyphen', 'daily-report-', `"daily-report-" ${KEBAB_RULE}; try "daily-report"`],
    ['dots', 'daily.report', `"daily.report" ${KEBAB_RULE}; try "daily-report"`],
  ])('rejects a name with %s and suggests a kebab one', (_case, name, message) => {
    const issues = definitionIssues({ name, run: noop });

    expect(issues).toEqual([{ field: 'name', message }]);
  });

  it('rejects a name with no letters or digits without suggesting an empty one', () => {
    const issues = definitionIssues({ name: '___', run: noop });

    expect(issues).toEqual([{ field: 'name', message: `"___" ${KEBAB_RULE}` }]);
  });

  it('rejects an empty name', () => {
    const issues = definitionIssues({ name: '', run: noop });

    expect(issues).toEqual([
      { field: 'name', message: 'must not be empty; use lower-case kebab, such as "daily-report"' },
    ]);
  });

  it('rejects a name longer than 48 characters, saying how long it is', () => {
    const name = 'a'.repeat(49);

    const issues = definitionIssues({ name, run: noop });

    expect(issues).toEqual([
      {
        field: 'name',
        message: `"${name}" is 49 characters long; a job name has at most 48, so shorten it`,
      },
    ]);
  });

  it('accepts a name of exactly 48 characters', () => {
    const name = 'a'.repeat(48);

    const job = defineJob({ name, run: noop });

    expect(job.name).toBe(name);
  });

  it('rejects a name that is not a string', () => {
    const issues = definitionIssues({ name: 42, run: noop });

    expect(issues).toEqual([{ field: 'name', message: 'must be a string, got 42' }]);
  });
});

describe('defineJob timeout', () => {
  const LIMIT = "must be from 1 second to 15 minutes (Lambda's limit)";
  const FORMAT = "must be a number of seconds or text such as '5 minutes' or '90 seconds'";

  test.each([
    ['zero seconds', 0, `${LIMIT}, got 0`],
    ['a negative number', -5, `${LIMIT}, got -5`],
    ['901 seconds', 901, `${LIMIT}, got 901`],
    ['16 minutes', '16 minutes', `${LIMIT}, got "16 minutes"`],
    ['1 hour', '1 hour', `${LIMIT}, got "1 hour"`],
    ['a fraction of a second', 1.5, 'must be a whole number of seconds, got 1.5'],
    [
      'text giving a fraction of a second',
      '2.5 seconds',
      'must be a whole number of seconds, got "2.5 seconds"',
    ],
    ['unparseable text', 'soon', `${FORMAT}, got "soon"`],
    ['a number as text without a unit', '90', `${FORMAT}, got "90"`],
    ['an unknown unit', '5 fortnights', `${FORMAT}, got "5 fortnights"`],
    ['a boolean', true, `${FORMAT}, got true`],
    ['infinity', Number.POSITIVE_INFINITY, `${FORMAT}, got Infinity`],
    ['NaN', Number.NaN, `${FORMAT}, got NaN`],
  ])('rejects %s', (_case, timeout, message) => {
    const issues = definitionIssues({ name: 'slow-job', timeout, run: noop });

    expect(issues).toEqual([{ field: 'timeout', message }]);
  });
});

describe('defineJob memoryMb', () => {
  const MESSAGE = "must be a whole number of MB from 128 to 10240 (Lambda's limits)";

  test.each([
    ['below 128', 127, `${MESSAGE}, got 127`],
    ['above 10240', 10241, `${MESSAGE}, got 10241`],
    ['not a whole number', 512.5, `${MESSAGE}, got 512.5`],
    ['a number as text', '512', `${MESSAGE}, got "512"`],
  ])('rejects memory %s', (_case, memoryMb, message) => {
    const issues = definitionIssues({ name: 'big-job', memoryMb, run: noop });

    expect(issues).toEqual([{ field: 'memoryMb', message }]);
  });
});

describe('defineJob retries', () => {
  const MESSAGE = 'must be a whole number from 0 to 10';

  test.each([
    ['below 0', -1, `${MESSAGE}, got -1`],
    ['above 10', 11, `${MESSAGE}, got 11`],
    ['not a whole number', 1.5, `${MESSAGE}, got 1.5`],
    ['a number as text', '3', `${MESSAGE}, got "3"`],
  ])('rejects retries %s', (_case, retries, message) => {
    const issues = definitionIssues({ name: 'flaky-job', retries, run: noop });

    expect(issues).toEqual([{ field: 'retries', message }]);
  });
});

describe('defineJob queue and overlap', () => {
  it('rejects a queue class that does not exist, listing the classes', () => {
    const issues = definitionIssues({ name: 'queued-job', queue: 'urgent', run: noop });

    expect(issues).toEqual([
      { field: 'queue', message: 'must be one of critical, default, batch, got "urgent"' },
    ]);
  });

  it('rejects an overlap policy other than allow or skip', () => {
    const issues = definitionIssues({ name: 'queued-job', overlap: 'queue', run: noop });

    expect(issues).toEqual([
      { field: 'overlap', message: `must be 'allow' or 'skip', got "queue"` },
    ]);
  });
});

describe('defineJob paused', () => {
  it('rejects a paused that is not true or false, showing what was given', () => {
    const issues = definitionIssues({ name: 'dormant', paused: 'yes', run: noop });

    expect(issues).toEqual([{ field: 'paused', message: 'must be true or false, got "yes"' }]);
  });
});

describe('defineJob input', () => {
  test.each([
    ['a JSON schema object', { type: 'object' }, '{"type":"object"}'],
    ['a string', 'string', '"string"'],
    ['a function', () => z.object({}), 'a function'],
  ])('rejects %s as the input schema', (_case, input, got) => {
    const issues = definitionIssues({ name: 'typed-job', input, run: noop });

    expect(issues).toEqual([
      {
        field: 'input',
        message: `must be a zod schema (or another Standard Schema), such as z.object({ ... }), got ${got}`,
      },
    ]);
  });
});

describe('defineJob alerts', () => {
  test.each([
    ['onFailure', 'yes', 'must be true or false, got "yes"'],
    ['onSuccess', 1, 'must be true or false, got 1'],
    ['onDeadLetter', 'no', 'must be true or false, got "no"'],
    ['onDurationOverMs', 0, 'must be a whole number of milliseconds above 0, got 0'],
    ['onDurationOverMs', -100, 'must be a whole number of milliseconds above 0, got -100'],
    ['onDurationOverMs', 1.5, 'must be a whole number of milliseconds above 0, got 1.5'],
  ])('rejects alerts.%s set to %j', (rule, value, message) => {
    const issues = definitionIssues({ name: 'alerting-job', alerts: { [rule]: value }, run: noop });

    expect(issues).toEqual([{ field: `alerts.${rule}`, message }]);
  });

  it('rejects alerts that are not an object, listing the rules', () => {
    const issues = definitionIssues({ name: 'alerting-job', alerts: true, run: noop });

    expect(issues).toEqual([
      {
        field: 'alerts',
        message:
          'must be an object of alert rules: { onFailure, onSuccess, onDurationOverMs, onDeadLetter, onMissed }, got true',
      },
    ]);
  });

  it('rejects a misspelt alert rule and suggests the right one', () => {
    const issues = definitionIssues({
      name: 'alerting-job',
      alerts: { onFailures: true },
      run: noop,
    });

    expect(issues).toEqual([
      { field: 'alerts.onFailures', message: 'is not an alert rule; did you mean "onFailure"?' },
    ]);
  });

  it('rejects alert recipients, saying where they live instead', () => {
    const issues = definitionIssues({
      name: 'alerting-job',
      alerts: { email: 'ops@example.com' },
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'alerts.email',
        message:
          'is not an alert rule; the rules are onFailure, onSuccess, onDurationOverMs, onDeadLetter, onMissed (who is alerted lives in the alert-config table)',
      },
    ]);
  });
});

describe('defineJob deps and run', () => {
  it('rejects deps that are not a function', () => {
    const issues = definitionIssues({ name: 'db-job', deps: { db: 'x' }, run: noop });

    expect(issues).toEqual([
      {
        field: 'deps',
        message:
          'must be a function that builds the dependencies: deps: () => ({ db: new Db() }), got {"db":"x"}',
      },
    ]);
  });

  it('rejects a run that is not a function', () => {
    const issues = definitionIssues({ name: 'db-job', run: 'go' });

    expect(issues).toEqual([
      {
        field: 'run',
        message:
          'is required and must be a function: run: async (ctx) => JobResult.success(), got "go"',
      },
    ]);
  });

  it('rejects a definition without run', () => {
    const issues = definitionIssues({ name: 'db-job' });

    expect(issues).toEqual([
      {
        field: 'run',
        message: 'is required and must be a function: run: async (ctx) => JobResult.success()',
      },
    ]);
  });
});

describe('defineJob displayName and description', () => {
  test.each([
    ['blank', '   ', '"   "'],
    ['longer than 128 characters', 'x'.repeat(129), `"${'x'.repeat(57)}..."`],
    ['not text', 7, '7'],
  ])('rejects a displayName that is %s', (_case, displayName, got) => {
    const issues = definitionIssues({ name: 'named-job', displayName, run: noop });

    expect(issues).toEqual([
      { field: 'displayName', message: `must be text of 1 to 128 characters, got ${got}` },
    ]);
  });

  it('rejects a description longer than 2000 characters', () => {
    const issues = definitionIssues({
      name: 'named-job',
      description: 'x'.repeat(2001),
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'description',
        message: `must be text of at most 2000 characters, got "${'x'.repeat(57)}..."`,
      },
    ]);
  });
});

describe('defineJob unknown options', () => {
  test.each([
    ['retry', 'retries'],
    ['retires', 'retries'],
    ['timeoutSeconds', 'timeout'],
    ['memory', 'memoryMb'],
    ['memoryMB', 'memoryMb'],
    ['alert', 'alerts'],
    ['displayname', 'displayName'],
    ['dep', 'deps'],
  ])('rejects %s and asks whether %s was meant', (option, hint) => {
    const issues = definitionIssues({ name: 'typo-job', [option]: 1, run: noop });

    expect(issues).toEqual([
      { field: option, message: `is not an option of defineJob; did you mean "${hint}"?` },
    ]);
  });

  test.each(['cron', 'rate', 'at', 'timezone'])('says %s goes inside schedule', (option) => {
    const issues = definitionIssues({ name: 'typo-job', [option]: '0 2 * * *', run: noop });

    expect(issues).toEqual([
      {
        field: option,
        message: `is not an option of defineJob; it goes inside schedule: schedule: { ${option}: ... }`,
      },
    ]);
  });

  it('lists the options when an unknown one resembles none of them', () => {
    const issues = definitionIssues({ name: 'typo-job', recipients: ['ops'], run: noop });

    expect(issues).toEqual([
      {
        field: 'recipients',
        message:
          'is not an option of defineJob; the options are name, displayName, description, schedule, queue, retries, timeout, memoryMb, overlap, paused, deployment, input, alerts, enqueues, deps, run',
      },
    ]);
  });
});

describe('defineJob options', () => {
  test.each([
    ['null', null],
    ['a string', 'daily-report'],
    ['an array', [noop]],
  ])('rejects %s in place of the options object', (_case, options) => {
    const issues = definitionIssues(options);

    expect(issues).toEqual([
      { field: '(options)', message: 'defineJob takes an object of options: defineJob({ run })' },
    ]);
  });
});

describe('JobDefinitionError from defineJob', () => {
  it('reports every problem of a definition together', () => {
    const issues = definitionIssues({
      name: 'Bad_Name',
      queue: 'urgent',
      retries: 20,
      timeout: 0,
      retry: 1,
      run: 1,
    });

    expect(issues.map((issue) => issue.field)).toEqual([
      'name',
      'queue',
      'retries',
      'run',
      'retry',
      'timeout',
    ]);
  });

  it('lists each problem on its own line as "  - field: message"', () => {
    const error = definitionError({ name: 'report', queue: 'urgent', retries: 20, run: noop });

    expect(error.message).toBe(
      [
        'Invalid definition of job "report":',
        '  - queue: must be one of critical, default, batch, got "urgent"',
        '  - retries: must be a whole number from 0 to 10, got 20',
      ].join('\n'),
    );
  });

  it('names the job it is about', () => {
    const error = definitionError({ name: 'report', retries: 20, run: noop });

    expect(error.jobName).toBe('report');
  });

  it('says the job has no name when none was given or inferred', () => {
    const error = definitionError({ retries: 20, run: noop });

    expect(error.jobName).toBeUndefined();
    expect(error.message).toMatch(/^Invalid definition of a job without a name:\n/);
  });

  it('is a JobDefinitionError with a stable name', () => {
    const error = definitionError({ name: 'report' });

    expect(error).toBeInstanceOf(JobDefinitionError);
    expect(error.name).toBe('JobDefinitionError');
  });
});

describe('defineJob deployment', () => {
  it('takes CDK’s name of a Lambda deployment configuration', () => {
    const job = defineJob({ name: 'billing', deployment: 'canary10Percent5Minutes', run: noop });

    expect(job.deployment).toBe('canary10Percent5Minutes');
  });

  it('leaves a job without one to the app’s default', () => {
    expect(defineJob({ name: 'billing', run: noop }).deployment).toBeUndefined();
  });

  it('rejects another name, listing the ones there are', () => {
    const issues = definitionIssues({
      name: 'billing',
      deployment: 'CANARY_10PERCENT_5MINUTES',
      run: noop,
    });

    expect(issues).toEqual([
      {
        field: 'deployment',
        message: expect.stringMatching(
          /^must be one of allAtOnce, canary10Percent5Minutes, .*linear10PercentEvery10Minutes \(CDK's names of Lambda's deployment configurations\), got "CANARY_10PERCENT_5MINUTES"$/,
        ),
      },
    ]);
  });
});
