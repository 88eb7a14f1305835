import { describe, expect, it, test } from 'vitest';
import { z } from 'zod';
import { JobDefinitionError } from '../../../shared/errors';
import { defineJob, withJobName } from '../../../shared/job/define-job';
import { isJobDefinition } from '../../../shared/job/job-definition';
import { noop } from './definition-issues';

describe('defineJob defaults', () => {
  test.each([
    ['queue', 'default'],
    ['retries', 3],
    ['timeoutSeconds', 60],
    ['memoryMb', 256],
    ['overlap', 'allow'],
    ['paused', false],
  ] as const)('sets %s to %j when it is not given', (field, expected) => {
    const job = defineJob({ name: 'plain', run: noop });

    expect(job[field]).toBe(expected);
  });

  it('alerts on failure and on dead letters, not on success, by default', () => {
    const job = defineJob({ name: 'plain', run: noop });

    expect(job.alerts).toEqual({
      onFailure: true,
      onSuccess: false,
      onDeadLetter: true,
      onMissed: true,
    });
  });

  it('keeps the default alert rules that are not overridden', () => {
    const job = defineJob({
      name: 'plain',
      alerts: { onSuccess: true, onDurationOverMs: 5000 },
      run: noop,
    });

    expect(job.alerts).toEqual({
      onFailure: true,
      onSuccess: true,
      onDeadLetter: true,
      onMissed: true,
      onDurationOverMs: 5000,
    });
  });

  it('gives an alert rule set to undefined its default, as if it were left out', () => {
    const job = defineJob({
      name: 'plain',
      // @ts-expect-error -- the types forbid undefined, but a JavaScript job file can pass it
      alerts: { onFailure: undefined, onDeadLetter: undefined },
      run: noop,
    });

    expect(job.alerts).toEqual({
      onFailure: true,
      onSuccess: false,
      onDeadLetter: true,
      onMissed: true,
    });
  });

  it('uses the name as the display name when none is given', () => {
    const job = defineJob({ name: 'daily-report', run: noop });

    expect(job.displayName).toBe('daily-report');
  });

  it('keeps a given display name, without surrounding spaces', () => {
    const job = defineJob({ name: 'daily-report', displayName: '  Daily report ', run: noop });

    expect(job.displayName).toBe('Daily report');
  });

  it('has no input schema, description or deps unless given', () => {
    const job = defineJob({ name: 'plain', run: noop });

    expect(job).toMatchObject({ inputSchema: undefined, description: undefined, deps: undefined });
  });
});

describe('defineJob accepted values', () => {
  test.each([
    [60, 60],
    [1, 1],
    [900, 900],
    ['5 minutes', 300],
    ['90 seconds', 90],
    ['15m', 900],
    ['1 minute', 60],
    ['0.5 minutes', 30],
  ])('reads a timeout of %j as %i seconds', (timeout, seconds) => {
    const job = defineJob({ name: 'timed', timeout, run: noop });

    expect(job.timeoutSeconds).toBe(seconds);
  });

  test.each([128, 10240])('accepts %i MB of memory', (memoryMb) => {
    const job = defineJob({ name: 'sized', memoryMb, run: noop });

    expect(job.memoryMb).toBe(memoryMb);
  });

  test.each([0, 10])('accepts %i retries', (retries) => {
    const job = defineJob({ name: 'retried', retries, run: noop });

    expect(job.retries).toBe(retries);
  });

  test.each(['critical', 'default', 'batch'] as const)('accepts the %s queue', (queue) => {
    const job = defineJob({ name: 'queued', queue, run: noop });

    expect(job.queue).toBe(queue);
  });

  it('takes paused: true, for a job that starts paused', () => {
    const job = defineJob({ name: 'dormant', paused: true, run: noop });

    expect(job.paused).toBe(true);
  });

  it('accepts the skip overlap policy', () => {
    const job = defineJob({ name: 'exclusive', overlap: 'skip', run: noop });

    expect(job.overlap).toBe('skip');
  });

  it('keeps the given run, deps, input schema and description', () => {
    const run = async () => {};
    const deps = () => ({ db: 'db' });
    const input = z.object({ id: z.string() });

    const job = defineJob({ name: 'full', description: 'Does it all', input, deps, run });

    expect(job).toMatchObject({ run, deps, inputSchema: input, description: 'Does it all' });
  });
});

describe('defineJob result', () => {
  it('is frozen', () => {
    const job = defineJob({ name: 'plain', run: noop });

    expect(Object.isFrozen(job)).toBe(true);
  });

  it('has frozen alert rules', () => {
    const job = defineJob({ name: 'plain', alerts: { onSuccess: true }, run: noop });

    expect(Object.isFrozen(job.alerts)).toBe(true);
  });

  it('does not share the alert rules object it was given', () => {
    const alerts = { onSuccess: true };

    const job = defineJob({ name: 'plain', alerts, run: noop });
    alerts.onSuccess = false;

    expect(job.alerts.onSuccess).toBe(true);
  });

  it('is recognised as a job definition', () => {
    const job = defineJob({ name: 'plain', run: noop });

    expect(isJobDefinition(job)).toBe(true);
  });

  test.each([
    ['a plain object with a run', { name: 'plain', run: noop }],
    ['null', null],
    ['a string', 'plain'],
  ])('does not take %s for a job definition', (_case, value) => {
    expect(isJobDefinition(value)).toBe(false);
  });
});

describe('defineJob name from the file', () => {
  it('names a job after its file when no name is given', async () => {
    const { default: job } = await import('./fixtures/nightly-digest.job');

    expect(job).toMatchObject({ name: 'nightly-digest', displayName: 'nightly-digest' });
  });

  it('rejects a file name that is not a valid job name, saying to rename it or set name', async () => {
    const loading = import('./fixtures/Bad_File.job');

    await expect(loading).rejects.toThrow(
      'name: the file name gives the job its name, and "Bad_File" is not lower-case kebab (a-z, 0-9, single hyphens between words); try "bad-file"; rename the file or set name',
    );
  });

  it('leaves the name unset when the caller is not a job file', () => {
    const job = defineJob({ run: noop });

    expect(job).toMatchObject({ name: undefined, displayName: undefined });
  });

  it('prefers a given name to the file name', async () => {
    const { default: job } = await import('./fixtures/renamed.job');

    expect(job.name).toBe('weekly-digest');
  });
});

describe('withJobName', () => {
  it('names a definition that has no name', () => {
    const job = defineJob({ run: noop });

    const named = withJobName(job, 'from-file');

    expect(named).toMatchObject({ name: 'from-file', displayName: 'from-file' });
  });

  it('keeps a display name that was given', () => {
    const job = defineJob({ displayName: 'From the file', run: noop });

    const named = withJobName(job, 'from-file');

    expect(named.displayName).toBe('From the file');
  });

  it('returns a frozen copy and leaves the original unnamed', () => {
    const job = defineJob({ run: noop });

    const named = withJobName(job, 'from-file');

    expect(named).not.toBe(job);
    expect(Object.isFrozen(named)).toBe(true);
    expect(job.name).toBeUndefined();
  });

  it('keeps the copy a job definition with the same options', () => {
    const job = defineJob({ retries: 7, queue: 'batch', run: noop });

    const named = withJobName(job, 'from-file');

    expect(isJobDefinition(named)).toBe(true);
    expect(named).toMatchObject({ retries: 7, queue: 'batch', run: noop });
  });

  it('rejects an invalid name with a JobDefinitionError on the name field', () => {
    const job = defineJob({ run: noop });

    const rename = () => withJobName(job, 'From_File');

    expect(rename).toThrow(JobDefinitionError);
    expect(rename).toThrow(
      '  - name: "From_File" is not lower-case kebab (a-z, 0-9, single hyphens between words); try "from-file"',
    );
  });
});
