import type { Execution } from '../executor/execution';
import type { AlertRules } from '../job/job-definition';
import type { AlertConfig } from './alert-config';
import type { AlertReason } from './alert-message';

/** The rules an alert config holds, apart from who hears and how often. */
export type AlertRuleSet = Pick<
  AlertConfig,
  'onFailure' | 'onSuccess' | 'onDurationOverMs' | 'onDeadLetter' | 'onMissed'
>;

const FAILED: ReadonlySet<string> = new Set(['failed', 'timed_out', 'cancelled', 'rejected']);

/**
 * Which of the rules an ended attempt meets. Only a run's final outcome alerts: an attempt that
 * will be retried says nothing yet, so a flaky job that recovers does not page anyone.
 * - `failure`: the run failed for good (retries used up, a non-retriable error, rejected input);
 * - `dead_letter`: it failed after its last attempt, so its message went to the dead-letter queue;
 * - `success`: it succeeded;
 * - `duration`: it ended, whatever its outcome, after more than `onDurationOverMs`;
 * - `missed`: a schedule tick that no run started (`onMissed`), and nothing else.
 * A running or skipped attempt meets none.
 */
export function alertReasons(execution: Execution, rules: AlertRuleSet): AlertReason[] {
  if (execution.status === 'running' || execution.status === 'skipped') return [];
  if (execution.status === 'missed') return rules.onMissed ? ['missed'] : [];
  const reasons: AlertReason[] = [];
  const failedForGood = FAILED.has(execution.status) && execution.willRetry !== true;
  if (failedForGood && rules.onFailure) reasons.push('failure');
  const deadLettered =
    failedForGood && execution.status !== 'rejected' && execution.attempt >= execution.maxAttempts;
  if (deadLettered && rules.onDeadLetter) reasons.push('dead_letter');
  if (execution.status === 'succeeded' && rules.onSuccess) reasons.push('success');
  const threshold = rules.onDurationOverMs;
  if (threshold !== undefined && (execution.durationMs ?? 0) > threshold) reasons.push('duration');
  return reasons;
}

/**
 * The rules that apply to a job: its own entry in the alert-config table when it has one
 * (`source: 'job'`); otherwise the table's default entry, with the rules the job's definition
 * sets (`defineJob({ alerts })`) taking precedence over the default's.
 */
export function effectiveRules(
  config: AlertConfig,
  source: 'job' | 'default' | 'none',
  defined: AlertRules | undefined,
): AlertRuleSet {
  const rules: AlertRuleSet = {
    onFailure: config.onFailure,
    onSuccess: config.onSuccess,
    onDeadLetter: config.onDeadLetter,
    onMissed: config.onMissed,
    ...(config.onDurationOverMs !== undefined ? { onDurationOverMs: config.onDurationOverMs } : {}),
  };
  if (source === 'job' || !defined) return rules;
  return {
    onFailure: defined.onFailure ?? rules.onFailure,
    onSuccess: defined.onSuccess ?? rules.onSuccess,
    onDeadLetter: defined.onDeadLetter ?? rules.onDeadLetter,
    onMissed: defined.onMissed ?? rules.onMissed,
    ...((defined.onDurationOverMs ?? rules.onDurationOverMs) !== undefined
      ? { onDurationOverMs: defined.onDurationOverMs ?? rules.onDurationOverMs }
      : {}),
  };
}
