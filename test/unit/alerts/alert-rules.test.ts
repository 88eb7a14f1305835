import { describe, expect, it } from 'vitest';
import { NO_ALERT_CONFIG } from '../../../shared/alerts/alert-config';
import {
  type AlertRuleSet,
  alertReasons,
  effectiveRules,
} from '../../../shared/alerts/alert-rules';
import type { Execution } from '../../../shared/executor/execution';

const ALL_RULES: AlertRuleSet = {
  onFailure: true,
  onSuccess: true,
  onDeadLetter: true,
  onMissed: true,
  onDurationOverMs: 5_000,
};

function attempt(overrides: Partial<Execution>): Execution {
  return {
    jobName: 'daily-report',
    runId: 'run-1',
    attempt: 1,
    maxAttempts: 3,
    trigger: 'schedule',
    status: 'succeeded',
    startedAt: '2026-12-01T07:00:00.000Z',
    completedAt: '2026-12-01T07:00:01.000Z',
    durationMs: 1_000,
    willRetry: false,
    ...overrides,
  };
}

describe('alertReasons', () => {
  it('alerts a missed tick by its own rule alone, not as a failure or a dead letter', () => {
    const missed = attempt({ status: 'missed' });

    expect(alertReasons(missed, ALL_RULES)).toEqual(['missed']);
    expect(alertReasons(missed, { ...ALL_RULES, onMissed: false })).toEqual([]);
  });

  it('says nothing of a failed attempt that will be retried', () => {
    expect(alertReasons(attempt({ status: 'failed', willRetry: true }), ALL_RULES)).toEqual([]);
  });

  it('alerts a failure and a dead letter when the last attempt fails', () => {
    const last = attempt({ status: 'failed', attempt: 3, willRetry: false });

    expect(alertReasons(last, ALL_RULES)).toEqual(['failure', 'dead_letter']);
  });

  it('alerts a failure, and no dead letter, when a non-retriable error ends the run early', () => {
    const early = attempt({ status: 'failed', attempt: 1, willRetry: false });

    expect(alertReasons(early, ALL_RULES)).toEqual(['failure']);
  });

  it('alerts a timed-out last attempt as a failure and a dead letter', () => {
    const timedOut = attempt({ status: 'timed_out', attempt: 3, willRetry: false });

    expect(alertReasons(timedOut, ALL_RULES)).toEqual(['failure', 'dead_letter']);
  });

  it('alerts rejected input as a failure, which never reaches the dead-letter queue', () => {
    expect(alertReasons(attempt({ status: 'rejected' }), ALL_RULES)).toEqual(['failure']);
  });

  it('alerts a success only when onSuccess is on', () => {
    expect(alertReasons(attempt({}), ALL_RULES)).toEqual(['success']);
    expect(alertReasons(attempt({}), { ...ALL_RULES, onSuccess: false })).toEqual([]);
  });

  it('alerts a run slower than onDurationOverMs, whatever its outcome', () => {
    const slow = attempt({ durationMs: 5_001 });

    expect(alertReasons(slow, { ...ALL_RULES, onSuccess: false })).toEqual(['duration']);
    expect(
      alertReasons(attempt({ durationMs: 5_000 }), { ...ALL_RULES, onSuccess: false }),
    ).toEqual([]);
  });

  it('says nothing of a running or skipped attempt', () => {
    expect(alertReasons(attempt({ status: 'running', durationMs: 9_000 }), ALL_RULES)).toEqual([]);
    expect(alertReasons(attempt({ status: 'skipped', skipReason: 'paused' }), ALL_RULES)).toEqual(
      [],
    );
  });

  it('honours each rule being off', () => {
    const last = attempt({ status: 'failed', attempt: 3 });

    expect(alertReasons(last, { ...ALL_RULES, onFailure: false })).toEqual(['dead_letter']);
    expect(alertReasons(last, { ...ALL_RULES, onDeadLetter: false, onMissed: true })).toEqual([
      'failure',
    ]);
  });
});

describe('effectiveRules', () => {
  const definition = {
    onFailure: false,
    onSuccess: true,
    onDeadLetter: true,
    onMissed: true,
    onDurationOverMs: 9,
  };

  it("takes the job's own entry as it is", () => {
    const own = { ...NO_ALERT_CONFIG, onFailure: true, onSuccess: false };

    expect(effectiveRules(own, 'job', definition)).toEqual({
      onFailure: true,
      onSuccess: false,
      onDeadLetter: true,
      onMissed: true,
    });
  });

  it("lets the job's definition override the default entry's rules", () => {
    expect(
      effectiveRules({ ...NO_ALERT_CONFIG, onDurationOverMs: 100 }, 'default', definition),
    ).toEqual({
      onFailure: false,
      onSuccess: true,
      onDeadLetter: true,
      onMissed: true,
      onDurationOverMs: 9,
    });
  });
});
