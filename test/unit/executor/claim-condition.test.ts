import { describe, expect, it } from 'vitest';
import { mayStartAttempt } from '../../../shared/executor/attempt-claim';
import { CLAIM_CONDITIONS, type ClaimCondition } from '../../../shared/executor/claim-condition';
import { claimConditionExpression } from '../../../shared/stores/dynamodb/claim-condition-expression';
import { at, CLAIM_CASES, running } from '../../integration/contracts/execution-store-claims';

// The contract suite runs the same table against every store, DynamoDB's condition included.
describe('mayStartAttempt', () => {
  it.each(CLAIM_CASES)('$name: claims $claims', ({ latest, candidate, claims }) => {
    const allowed = mayStartAttempt(latest, candidate);

    expect(allowed).toBe(claims);
  });
});

describe('claimConditionExpression', () => {
  it('turns the first attempt’s condition into a check that the run does not exist or was reported missed', () => {
    const rendered = claimConditionExpression(CLAIM_CONDITIONS.first, running('run-1', 1));

    expect(rendered).toEqual({
      expression: 'attribute_not_exists(#runId) OR #status = :missed',
      names: { '#runId': 'runId', '#status': 'status' },
      values: { ':missed': 'missed' },
    });
  });

  it('turns a later attempt’s condition into one expression with the candidate’s values', () => {
    const candidate = running('run-1', 3, at(60_000));

    const rendered = claimConditionExpression(CLAIM_CONDITIONS.later, candidate, {
      attempt: 'latestAttempt',
    });

    expect(rendered).toEqual({
      expression:
        '#latestAttempt = :previous AND (#willRetry = :true OR (#status = :running AND #leaseExpiresAt <= :startedAt))',
      names: {
        '#latestAttempt': 'latestAttempt',
        '#willRetry': 'willRetry',
        '#status': 'status',
        '#leaseExpiresAt': 'leaseExpiresAt',
      },
      values: { ':previous': 2, ':true': true, ':running': 'running', ':startedAt': at(60_000) },
    });
  });

  it('refuses a value that cannot name its placeholder', () => {
    const condition: ClaimCondition = {
      kind: 'equals',
      field: 'status',
      to: { value: 'timed out' },
    };

    expect(() => claimConditionExpression(condition, running('run-1', 1))).toThrow(
      /names no valid placeholder/,
    );
  });
});
