import { describe, expect, it, test } from 'vitest';
import { JobResult } from '../../../shared/job/job-result';

describe('JobResult.success', () => {
  it('is a success with the given message', () => {
    const result = JobResult.success('Sent 3 emails');

    expect(result).toMatchObject({ succeeded: true, message: 'Sent 3 emails', error: undefined });
  });

  it('needs no message', () => {
    const result = JobResult.success();

    expect(result).toMatchObject({ succeeded: true, message: undefined });
  });

  it('starts with no metadata', () => {
    const result = JobResult.success();

    expect(result.metadata).toEqual({});
  });
});

describe('JobResult.failure', () => {
  it('is a failure with the given message and error', () => {
    const error = new Error('connection refused');

    const result = JobResult.failure('Could not reach the mail server', error);

    expect(result).toMatchObject({
      succeeded: false,
      message: 'Could not reach the mail server',
      error,
    });
  });

  it('needs no error', () => {
    const result = JobResult.failure('Nothing to send');

    expect(result).toMatchObject({ succeeded: false, error: undefined });
  });

  test.each([
    ['an empty message', ''],
    ['a blank message', '   '],
    ['no message', undefined],
    ['a message that is not text', 42],
  ])('refuses %s, since a failure must say what failed', (_case, message) => {
    const fail = () => JobResult.failure(message as string);

    expect(fail).toThrow(new TypeError('JobResult.failure needs a message that says what failed'));
  });
});

describe('JobResult.withMetadata', () => {
  it('returns a result with the key set', () => {
    const result = JobResult.success('done').withMetadata('count', 3);

    expect(result.metadata).toEqual({ count: 3 });
  });

  it('leaves the original result unchanged', () => {
    const original = JobResult.success('done');

    const copy = original.withMetadata('count', 3);

    expect(copy).not.toBe(original);
    expect(original.metadata).toEqual({});
  });

  it('keeps the earlier keys when chained', () => {
    const result = JobResult.success().withMetadata('count', 3).withMetadata('batch', 'b-1');

    expect(result.metadata).toEqual({ count: 3, batch: 'b-1' });
  });

  it('replaces the value of a key set twice', () => {
    const result = JobResult.success().withMetadata('count', 3).withMetadata('count', 4);

    expect(result.metadata).toEqual({ count: 4 });
  });

  it('keeps the outcome, message and error of the result', () => {
    const error = new Error('boom');

    const result = JobResult.failure('Import failed', error).withMetadata('row', 17);

    expect(result).toMatchObject({ succeeded: false, message: 'Import failed', error });
  });

  test.each([
    ['an empty key', ''],
    ['a key that is not text', 7],
  ])('refuses %s', (_case, key) => {
    const add = () => JobResult.success().withMetadata(key as string, 1);

    expect(add).toThrow(new TypeError('JobResult.withMetadata needs a non-empty key'));
  });
});

describe('JobResult.isJobResult', () => {
  test.each([
    ['a success', JobResult.success()],
    ['a failure', JobResult.failure('no')],
    ['a result with metadata', JobResult.success().withMetadata('k', 'v')],
  ])('recognises %s', (_case, value) => {
    expect(JobResult.isJobResult(value)).toBe(true);
  });

  it('recognises a result made by another copy of the module', () => {
    const foreign = { [Symbol.for('serverless-jobs.JobResult')]: true, succeeded: true };

    expect(JobResult.isJobResult(foreign)).toBe(true);
  });

  test.each([
    ['a look-alike object', { succeeded: true, message: 'done', metadata: {} }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'success'],
  ])('does not take %s for a result', (_case, value) => {
    expect(JobResult.isJobResult(value)).toBe(false);
  });
});
