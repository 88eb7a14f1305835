import type { Execution } from './execution';

/** A field of a run's latest attempt that the claim condition reads. */
export type LatestAttemptField = 'runId' | 'attempt' | 'status' | 'willRetry' | 'leaseExpiresAt';

/** Values taken from the attempt being claimed. */
const CANDIDATE_VALUES = {
  previous: (candidate: Execution) => candidate.attempt - 1,
  startedAt: (candidate: Execution) => candidate.startedAt,
} satisfies Record<string, (candidate: Execution) => string | number>;

/** What a field is compared with: a fixed value, or one taken from the attempt being claimed. */
export type ClaimOperand =
  | { readonly value: string | number | boolean }
  | { readonly candidate: keyof typeof CANDIDATE_VALUES };

/**
 * A condition on a run's latest attempt, as data, so that each store can turn it into its own
 * form: a TypeScript predicate, a DynamoDB condition expression. A missing field (or a run with
 * no attempt) equals nothing and is at most nothing, as in DynamoDB.
 */
export type ClaimCondition =
  | { readonly kind: 'absent'; readonly field: LatestAttemptField }
  | { readonly kind: 'equals'; readonly field: LatestAttemptField; readonly to: ClaimOperand }
  | { readonly kind: 'atMost'; readonly field: LatestAttemptField; readonly to: ClaimOperand }
  | { readonly kind: 'allOf'; readonly conditions: readonly ClaimCondition[] }
  | { readonly kind: 'anyOf'; readonly conditions: readonly ClaimCondition[] };

/**
 * When an attempt may be claimed, the one definition every execution store applies: attempts
 * are numbered from the run's history, one after another.
 */
export const CLAIM_CONDITIONS = {
  /**
   * The first attempt creates its run, which must not exist yet, or replaces the record of a
   * schedule tick reported missed: the tick came after all, late, and runs.
   */
  first: {
    kind: 'anyOf',
    conditions: [
      { kind: 'absent', field: 'runId' },
      { kind: 'equals', field: 'status', to: { value: 'missed' } },
    ],
  },
  /**
   * A later attempt comes right after the latest, which failed and said it would retry, or
   * which is still running although its lease expired (its worker died).
   */
  later: {
    kind: 'allOf',
    conditions: [
      { kind: 'equals', field: 'attempt', to: { candidate: 'previous' } },
      {
        kind: 'anyOf',
        conditions: [
          { kind: 'equals', field: 'willRetry', to: { value: true } },
          {
            kind: 'allOf',
            conditions: [
              { kind: 'equals', field: 'status', to: { value: 'running' } },
              { kind: 'atMost', field: 'leaseExpiresAt', to: { candidate: 'startedAt' } },
            ],
          },
        ],
      },
    ],
  },
} as const satisfies Record<string, ClaimCondition>;

/** The condition under which `candidate` (a `running` attempt) may be claimed. */
export function claimConditionFor(candidate: Execution): ClaimCondition {
  return candidate.attempt === 1 ? CLAIM_CONDITIONS.first : CLAIM_CONDITIONS.later;
}

/** The value `operand` stands for when `candidate` is claimed. */
export function operandValue(
  operand: ClaimOperand,
  candidate: Execution,
): string | number | boolean {
  return 'value' in operand ? operand.value : CANDIDATE_VALUES[operand.candidate](candidate);
}

/**
 * Whether `condition` holds for a run whose latest attempt is `latest` (none: the run does not
 * exist). Timestamps compare as text, as DynamoDB compares them: ISO times in UTC, which sort
 * as the times do.
 */
export function claimConditionHolds(
  condition: ClaimCondition,
  latest: Execution | undefined,
  candidate: Execution,
): boolean {
  switch (condition.kind) {
    case 'absent':
      return latest?.[condition.field] === undefined;
    case 'equals':
      return latest?.[condition.field] === operandValue(condition.to, candidate);
    case 'atMost': {
      const actual = latest?.[condition.field];
      const bound = operandValue(condition.to, candidate);
      return typeof actual === typeof bound && actual !== undefined && actual <= bound;
    }
    case 'allOf':
      return condition.conditions.every((part) => claimConditionHolds(part, latest, candidate));
    case 'anyOf':
      return condition.conditions.some((part) => claimConditionHolds(part, latest, candidate));
  }
}
