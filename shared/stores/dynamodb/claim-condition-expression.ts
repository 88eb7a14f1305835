import {
  type ClaimCondition,
  type ClaimOperand,
  type LatestAttemptField,
  operandValue,
} from '../../executor/claim-condition';
import type { Execution } from '../../executor/execution';

/** A DynamoDB condition expression with the placeholders it uses. */
export interface ClaimConditionExpression {
  readonly expression: string;
  readonly names: Record<string, string>;
  /** Absent when the expression compares with no value: DynamoDB refuses an empty map. */
  readonly values?: Record<string, unknown>;
}

/**
 * `condition` as DynamoDB evaluates it on an item, for claiming `candidate`. `attributes` names
 * the item's attribute for each field of the latest attempt that is not stored under its own
 * name. A value's placeholder is named after it (`:true`, `:running`) or after the candidate's
 * value it stands for (`:previous`, `:startedAt`).
 */
export function claimConditionExpression(
  condition: ClaimCondition,
  candidate: Execution,
  attributes: Partial<Record<LatestAttemptField, string>> = {},
): ClaimConditionExpression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (field: LatestAttemptField): string => {
    const attribute = attributes[field] ?? field;
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const value = (operand: ClaimOperand): string => {
    const placeholder = `:${'value' in operand ? String(operand.value) : operand.candidate}`;
    if (!/^:\w+$/.test(placeholder)) {
      throw new Error(
        `A claim condition compares with ${JSON.stringify(operand)}, which names no valid placeholder: use a value or candidate name of letters, digits and underscores`,
      );
    }
    values[placeholder] = operandValue(operand, candidate);
    return placeholder;
  };
  const render = (part: ClaimCondition, nested: boolean): string => {
    switch (part.kind) {
      case 'absent':
        return `attribute_not_exists(${name(part.field)})`;
      case 'equals':
        return `${name(part.field)} = ${value(part.to)}`;
      case 'atMost':
        return `${name(part.field)} <= ${value(part.to)}`;
      case 'allOf':
      case 'anyOf': {
        const joined = part.conditions
          .map((inner) => render(inner, true))
          .join(part.kind === 'allOf' ? ' AND ' : ' OR ');
        return nested ? `(${joined})` : joined;
      }
    }
  };
  const expression = render(condition, false);
  return { expression, names, ...(Object.keys(values).length > 0 ? { values } : {}) };
}
