import { describe, expect, it } from 'vitest';
import { runHealthChecks } from '../../../shared/health/run-health-checks';
import type { HealthCheck } from '../../../shared/ports/health-check';

const answers = (name: string): HealthCheck => ({ name, check: async () => {} });

describe('runHealthChecks', () => {
  it('is ok when every check answers, naming each', async () => {
    const report = await runHealthChecks([answers('executions'), answers('queue:send-email')]);

    expect(report).toEqual({
      status: 'ok',
      checks: { executions: 'ok', 'queue:send-email': 'ok' },
    });
  });

  it('is failing when one check fails, with what went wrong beside its name', async () => {
    const denied: HealthCheck = {
      name: 'jobState',
      check: async () => {
        throw Object.assign(new Error('not authorized to perform: dynamodb:DescribeTable'), {
          name: 'AccessDeniedException',
        });
      },
    };

    const report = await runHealthChecks([answers('executions'), denied]);

    expect(report).toEqual({
      status: 'failing',
      checks: {
        executions: 'ok',
        jobState: 'AccessDeniedException: not authorized to perform: dynamodb:DescribeTable',
      },
    });
  });

  it('gives up on a check that does not answer in time, even one that ignores its signal', async () => {
    let aborted = false;
    const hangs: HealthCheck = {
      name: 'queue:slow',
      check: (signal) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return new Promise(() => {});
      },
    };

    const report = await runHealthChecks([hangs], { timeoutMs: 20 });

    expect(report).toEqual({
      status: 'failing',
      checks: { 'queue:slow': 'did not answer within 20 ms' },
    });
    expect(aborted).toBe(true);
  });

  it('reports by its deadline, whatever has not answered counting as failed', async () => {
    const hangs = (name: string): HealthCheck => ({ name, check: () => new Promise(() => {}) });
    const started = Date.now();

    const report = await runHealthChecks([hangs('a'), hangs('b'), hangs('c')], {
      concurrency: 1,
      timeoutMs: 1000,
      deadlineMs: 30,
    });

    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.status).toBe('failing');
    expect(report.checks.a).toMatch(/^did not answer within \d+ ms$/);
    expect(report.checks.c).toBe('not checked: the health report was due');
  });

  it('runs a few checks at a time, and all of them', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const checks = Array.from(
      { length: 50 },
      (_, index): HealthCheck => ({
        name: `queue:job-${index}`,
        check: async () => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((resolve) => setTimeout(resolve, 1));
          running--;
        },
      }),
    );

    const report = await runHealthChecks(checks, { concurrency: 4 });

    expect(Object.keys(report.checks)).toHaveLength(50);
    expect(mostAtOnce).toBe(4);
  });
});
