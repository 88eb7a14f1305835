import type { MiddlewareObj } from '@middy/core';
import { parseJobInput } from '../../job/parse-input';
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
      if (!state.job?.inputSchema) {
        state.input = state.request.input;
        return undefined;
      }
      const parsed = await parseJobInput(state.job, state.request.input);
      if (parsed.ok) {
        state.input = parsed.value;
        return undefined;
      }
      return recordRejection(options, state, parsed.error);
    },
  };
}
