import type { MiddlewareObj } from '@middy/core';
import { unstorableValueIssue } from '../../delivery/run-limits';
import { InvalidRunRequestError } from '../../errors';
import { parseJobInput } from '../../job/parse-input';
import type { Execution } from '../execution';
import type { RunState } from '../run-state';
import { type RecordRejectionOptions, recordRejection } from './record-rejection';
import { recordUnstorableWrites } from './record-unstorable';

export type ValidateInputOptions = RecordRejectionOptions;

/**
 * Checks the input before anything runs: input that history could not store (the limits every
 * run message is held to, for a request that came another way, such as the test invoker) or
 * that fails the job's schema is recorded as rejected with the reason, since no retry can fix
 * it. Its `onError` step then keeps that promise for the writes that follow: a run, or an
 * outcome, that history refuses as it is is recorded without what it could not store
 * (`recordUnstorableWrites`), rather than left for a redelivery that would meet the same refusal.
 */
export function validateInput(options: ValidateInputOptions): MiddlewareObj<RunState, Execution> {
  return {
    name: 'validateInput',
    before: async (request) => {
      const state = request.event;
      const unstorable = unstorableValueIssue(state.request.input);
      if (unstorable !== undefined) {
        const path = ['input', ...unstorable.path].join('.');
        return recordRejection(
          options,
          state,
          new InvalidRunRequestError(state.request.jobName, [
            { path, message: unstorable.message },
          ]),
        );
      }
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
    onError: recordUnstorableWrites(options),
  };
}
