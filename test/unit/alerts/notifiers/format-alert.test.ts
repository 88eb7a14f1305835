import { describe, expect, it } from 'vitest';
import {
  ALERT_TEXT_LIMITS,
  alertPlainText,
  alertTitle,
  formatAlert,
  formatDuration,
  suppressedNote,
  truncate,
} from '../../../../shared/alerts/format-alert';
import { failedAlert, hostileError, succeededAlert, v8Stack } from './alert-fixtures';

describe('alertTitle', () => {
  it('says a failed run failed, with its attempt and how many it may take', () => {
    expect(alertTitle(failedAlert())).toBe('daily-report failed (attempt 3 of 3)');
  });

  it('says a run that timed out timed out', () => {
    expect(alertTitle(failedAlert({ status: 'timed_out' }))).toBe(
      'daily-report timed out (attempt 3 of 3)',
    );
  });

  it('says which tick a missed run was due at', () => {
    const alert = failedAlert({
      status: 'missed',
      reasons: ['missed'],
      scheduledTime: '2026-12-06T07:00:00Z',
    });

    expect(alertTitle(alert)).toBe('daily-report missed its run due at 2026-12-06T07:00:00Z');
  });

  it('says a run succeeded, without attempts when the first one did', () => {
    expect(alertTitle(succeededAlert())).toBe('daily-report succeeded');
  });

  it('names the attempt of a success that took retries', () => {
    expect(alertTitle(succeededAlert({ attempt: 2, maxAttempts: 4 }))).toBe(
      'daily-report succeeded (attempt 2 of 4)',
    );
  });

  it('says a slow run took longer than its threshold', () => {
    const alert = succeededAlert({
      reasons: ['duration'],
      durationMs: 125_000,
      durationThresholdMs: 60_000,
    });

    expect(alertTitle(alert)).toBe('daily-report took 2 min 5 s, over its 1 min threshold');
  });

  it('names every reason of an alert that has several', () => {
    const alert = failedAlert({
      reasons: ['failure', 'duration'],
      durationMs: 125_000,
      durationThresholdMs: 60_000,
    });

    expect(alertTitle(alert)).toBe(
      'daily-report failed (attempt 3 of 3) and took 2 min 5 s, over its 1 min threshold',
    );
  });

  it('says a dead-lettered run was dead-lettered', () => {
    expect(
      alertTitle(failedAlert({ reasons: ['dead_letter', 'failure'], attempt: 4, maxAttempts: 4 })),
    ).toBe('daily-report was dead-lettered after attempt 4 of 4');
  });
});

describe('formatAlert facts', () => {
  it('lists the job, run, status, trigger, attempt, duration and times', () => {
    const { facts } = formatAlert(failedAlert());

    expect(facts).toEqual([
      { label: 'Job', value: 'Daily report (daily-report)' },
      { label: 'Run', value: '01JZ3K8Q9V6T2M4N5P7R8S9T0V' },
      { label: 'Status', value: 'failed' },
      { label: 'Trigger', value: 'schedule, by scheduler' },
      { label: 'Attempt', value: '3 of 3' },
      { label: 'Duration', value: '12.3 s' },
      { label: 'Started', value: '2026-06-01 02:00:00 UTC' },
      { label: 'Completed', value: '2026-06-01 02:00:12 UTC' },
    ]);
  });

  it('names the job once when its display name is its name', () => {
    const { facts } = formatAlert(failedAlert({ displayName: 'daily-report' }));

    expect(facts[0]).toEqual({ label: 'Job', value: 'daily-report' });
  });

  it('gives the threshold next to the duration of a slow run', () => {
    const { facts } = formatAlert(failedAlert({ durationThresholdMs: 10_000 }));

    expect(facts).toContainEqual({ label: 'Duration', value: '12.3 s (threshold 10 s)' });
  });

  it('leaves out what a run that is still running does not have', () => {
    const {
      completedAt: _completedAt,
      durationMs: _durationMs,
      triggeredBy: _by,
      ...running
    } = failedAlert();

    const { facts } = formatAlert(running);

    expect(facts.map((fact) => fact.label)).toEqual([
      'Job',
      'Run',
      'Status',
      'Trigger',
      'Attempt',
      'Started',
    ]);
    expect(facts).toContainEqual({ label: 'Trigger', value: 'schedule' });
  });
});

describe('formatAlert error', () => {
  it('gives the error name, message and stack frames without the header line', () => {
    const { error } = formatAlert(failedAlert());

    expect(error?.name).toBe('TypeError');
    expect(error?.message).toBe("Cannot read properties of undefined (reading 'total')");
    expect(error?.stack).toHaveLength(4);
    expect(error?.stack[0]).toBe(
      'at step0 (file:///var/task/node_modules/report_lib/build_0.js:10:5)',
    );
    expect(error?.omittedStackLines).toBe(0);
  });

  it('keeps only the first lines of a long stack, trimmed, and counts the rest', () => {
    const { error } = formatAlert(failedAlert({ error: hostileError() }));

    expect(error?.stack).toHaveLength(ALERT_TEXT_LIMITS.stackLines);
    expect(error?.stack.every((line) => line === line.trim())).toBe(true);
    expect(error?.omittedStackLines).toBe(400 - ALERT_TEXT_LIMITS.stackLines);
  });

  it('cuts a very long message to the limit, ending in an ellipsis', () => {
    const { error } = formatAlert(failedAlert({ error: hostileError() }));

    expect(error?.message).toHaveLength(ALERT_TEXT_LIMITS.errorMessage);
    expect(error?.message.endsWith('…')).toBe(true);
  });

  it('keeps a stack that has no frames as it is', () => {
    const { error } = formatAlert(
      failedAlert({
        error: { name: 'Error', message: 'boom', stack: 'Error: boom\nno frames here' },
      }),
    );

    expect(error?.stack).toEqual(['Error: boom', 'no frames here']);
  });

  it('reads an error stored without a message as one with an empty message', () => {
    const stored = { name: 'Error' } as unknown as { name: string; message: string };

    expect(formatAlert(failedAlert({ error: stored })).error?.message).toBe('');
  });

  it('names the causes of the error, outermost first', () => {
    const { error } = formatAlert(
      failedAlert({
        error: {
          name: 'ReportError',
          message: 'Could not build the report',
          stack: v8Stack('ReportError: Could not build the report', 2),
          cause: {
            name: 'QueryError',
            message: 'timeout',
            cause: { name: 'Error', message: 'ETIMEDOUT' },
          },
        },
      }),
    );

    expect(error?.causes).toEqual(['QueryError: timeout', 'Error: ETIMEDOUT']);
  });
});

describe('formatAlert notes and links', () => {
  it('says how many alerts were held back in the previous hour', () => {
    expect(formatAlert(failedAlert({ suppressedBefore: 12 })).suppressedNote).toBe(
      '12 more alerts of this job were held back in the previous hour (limit: maxAlertsPerHour)',
    );
  });

  it('says it in the singular for one held-back alert', () => {
    expect(suppressedNote(1)).toBe(
      '1 more alert of this job was held back in the previous hour (limit: maxAlertsPerHour)',
    );
  });

  it('has no note when no alert was held back', () => {
    expect(formatAlert(failedAlert({ suppressedBefore: 0 })).suppressedNote).toBeUndefined();
  });

  it('gives the run URL and the command that show the run', () => {
    const text = formatAlert(failedAlert());

    expect(text.runUrl).toBe(
      'https://jobs.example.com/jobs/daily-report/runs/01JZ3K8Q9V6T2M4N5P7R8S9T0V',
    );
    expect(text.command).toBe('npx jobctl history daily-report');
  });

  it('sums the alert up in one line with the error', () => {
    expect(formatAlert(failedAlert()).summary).toBe(
      "daily-report failed (attempt 3 of 3): TypeError: Cannot read properties of undefined (reading 'total')",
    );
  });

  it('keeps the one-line summary short whatever the message', () => {
    const { summary } = formatAlert(failedAlert({ error: hostileError() }));

    expect(summary.length).toBeLessThanOrEqual(ALERT_TEXT_LIMITS.summary);
    expect(summary).not.toContain('\n');
  });
});

describe('alertPlainText', () => {
  it('writes the title, facts, error, note and where to see the run as plain lines', () => {
    const text = alertPlainText(failedAlert({ suppressedBefore: 2 }));

    expect(text).toContain('daily-report failed (attempt 3 of 3)\n\nJob:       Daily report');
    expect(text).toContain(
      "Error: TypeError: Cannot read properties of undefined (reading 'total')\n    at step0",
    );
    expect(text).toContain('Note: 2 more alerts of this job were held back');
    expect(text).toContain(
      'Open the run: https://jobs.example.com/jobs/daily-report/runs/01JZ3K8Q9V6T2M4N5P7R8S9T0V',
    );
    expect(text).toContain('From a terminal: npx jobctl history daily-report');
  });

  it('says how many stack lines it left out', () => {
    const text = alertPlainText(failedAlert({ error: hostileError() }));

    expect(text).toContain('… 392 more lines (see the run for the whole stack)');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [12_300, '12.3 s'],
    [10_000, '10 s'],
    [125_000, '2 min 5 s'],
    [60_000, '1 min'],
    [3_720_000, '1 h 2 min'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('truncate', () => {
  it('never splits a character made of two code units', () => {
    expect(truncate('ab😀😀😀', 4)).toBe('ab😀…');
  });
});
