import type { MiddlewareObj } from '@middy/core';
import { type InputIssue, InputValidationError } from '../../errors';
import type { StandardSchemaV1 } from '../../job/standard-schema';
import type { Execution } from '../execution';
import type { RunState } from '../run-state';
import { type RecordRejectionOptions, recordRejection } from './record-rejection';

export type ValidateInputOptions = RecordRejectionOptions;

/**
 * Parses the input with the job's schema before anything runs; input that fails it is recorded
 * as rejected with the schema's messages, since no retry can fix it.
 */
export function validateInput(options: ValidateInputOptions): MiddlewareObj<RunState, Execution> {
  return {
    name: 'validateInput',
    before: async (request) => {
      const state = request.event;
      const schema = state.job?.inputSchema;
      if (!schema) {
        state.input = state.request.input;
        return undefined;
      }
      const result = await schema['~standard'].validate(state.request.input);
      if (!result.issues) {
        state.input = result.value;
        return undefined;
      }
      const error = new InputValidationError(
        state.request.jobName,
        result.issues.map(toInputIssue),
      );
      return recordRejection(options, state, error);
    },
  };
}

function toInputIssue(issue: StandardSchemaV1.Issue): InputIssue {
  let path = 'input';
  for (const segment of issue.path ?? []) {
    const key = typeof segment === 'object' ? segment.key : segment;
    path += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return { path, message: issue.message };
}
