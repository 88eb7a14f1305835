import type { AlertMessage } from '../../../../shared/alerts/alert-message';

/** A stack as V8 writes it: the `Name: message` line, then the frames. */
export function v8Stack(header: string, frames: number): string {
  const lines = [header];
  for (let index = 0; index < frames; index += 1) {
    lines.push(
      `    at step${index} (file:///var/task/node_modules/report_lib/build_${index}.js:${index + 10}:5)`,
    );
  }
  return lines.join('\n');
}

/** The last attempt of a scheduled run that failed, as the evaluator would describe it. */
export function failedAlert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    jobName: 'daily-report',
    displayName: 'Daily report',
    runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0V',
    attempt: 3,
    maxAttempts: 3,
    trigger: 'schedule',
    triggeredBy: 'scheduler',
    status: 'failed',
    reasons: ['failure'],
    startedAt: '2026-06-01T02:00:00.125Z',
    completedAt: '2026-06-01T02:00:12.425Z',
    durationMs: 12_300,
    error: {
      name: 'TypeError',
      message: "Cannot read properties of undefined (reading 'total')",
      stack: v8Stack("TypeError: Cannot read properties of undefined (reading 'total')", 4),
    },
    runUrl: 'https://jobs.example.com/jobs/daily-report/runs/01JZ3K8Q9V6T2M4N5P7R8S9T0V',
    command: 'npx jobctl history daily-report',
    ...overrides,
  };
}

/** A run that succeeded, for jobs that alert on success. */
export function succeededAlert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  const { error: _, ...failed } = failedAlert();
  return {
    ...failed,
    attempt: 1,
    status: 'succeeded',
    reasons: ['success'],
    message: 'Sent 1,204 reports',
    ...overrides,
  };
}

/** An error whose message and stack carry markup and are far too long for a chat message. */
export function hostileError() {
  return {
    name: 'ReportError',
    message: `<!channel> *bold* _italic_ [link](https://evil.example) & <https://evil.example|click> ${'x'.repeat(5_000)}`,
    stack: v8Stack('ReportError: <!channel> *bold*', 400),
  };
}
