import type { MiddlewareObj } from '@middy/core';
import { type InputIssue, InputValidationError } from '../../errors';
import type { StandardSchemaV1 } from '../../job/standard-schema';
import type { Clock } from '../../ports/clock';
import type { ExecutionStore } from '../../ports/execution-store';
import type { Execution } from '../execution';
import { rejectedExecution } from '../execution-records';
import type { RunState } from '../run-state';

export interface ValidateInputOptions {
  readonly executionStore: ExecutionStore;
  readonly clock: Clock;
  readonly codeVersion?: string;
}

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
      const rejected = rejectedExecution(
        state,
        { name: error.name, message: error.message },
        options.clock.now(),
        options.codeVersion,
      );
      await options.executionStore.record(rejected);
      return rejected;
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
