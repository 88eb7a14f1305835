import { describe, expect, test } from 'vitest';
import { closestName } from '../../../shared/support/closest-name';

const OPTIONS = ['name', 'schedule', 'retries', 'timeout', 'memoryMb', 'run', 'deps'];

describe('closestName', () => {
  test.each([
    ['a typo', 'shcedule', 'schedule'],
    ['a missing letter', 'retres', 'retries'],
    ['a different case', 'MEMORYMB', 'memoryMb'],
    ['a singular', 'retry', 'retries'],
    ['a longer word', 'timeoutSeconds', 'timeout'],
    ['a shorter word', 'memory', 'memoryMb'],
    ['an exact match', 'run', 'run'],
    ['one edit in a short word', 'dep', 'deps'],
  ])('suggests the known name for %s', (_case, name, expected) => {
    expect(closestName(name, OPTIONS)).toBe(expected);
  });

  test.each([
    ['an unrelated word', 'recipients'],
    ['a short word two edits away', 'cron'],
    ['a word under four letters that starts a known one', 'sch'],
  ])('suggests nothing for %s', (_case, name) => {
    expect(closestName(name, OPTIONS)).toBeUndefined();
  });

  test('suggests nothing when there are no candidates', () => {
    expect(closestName('retries', [])).toBeUndefined();
  });

  test('picks the nearest of several close names', () => {
    expect(closestName('send-emails', ['send-email', 'send-sms', 'end-emails-x'])).toBe(
      'send-email',
    );
  });

  test('picks the first of equally near names', () => {
    expect(closestName('report-b', ['report-a', 'report-c'])).toBe('report-a');
  });
});
