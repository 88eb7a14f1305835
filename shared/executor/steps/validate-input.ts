import { unstorableValueIssue } from '../../delivery/run-limits';
import { InvalidRunRequestError } from '../../errors';
import { parseJobInput } from '../../job/parse-input';
import type { Execution } from '../execution';
import type { ResolvedRun, ValidatedRun } from '../run-state';
import { type RecordRejectionOptions, recordRejection } from './record-rejection';

export type ValidateInputOptions = RecordRejectionOptions;

/**
 * Checks the input before anything runs: input that history could not store (the limits every
 * run message is held to, for a request that came another way, such as the test invoker) or
 * that fails the job's schema is recorded as rejected with the reason, since no retry can fix
 * it. The writes that follow keep that promise through `recordingUnstorableWrites`.
 */
export async function validateInput(
  options: ValidateInputOptions,
  run: ResolvedRun,
): Promise<Execution | ValidatedRun> {
  const unstorable = unstorableValueIssue(run.request.input);
  if (unstorable !== undefined) {
    const path = ['input', ...unstorable.path].join('.');
    return recordRejection(
      options,
      run,
      new InvalidRunRequestError(run.request.jobName, [{ path, message: unstorable.message }]),
    );
  }
  if (!run.job.inputSchema) return { ...run, input: run.request.input };
  const parsed = await parseJobInput(run.job, run.request.input);
  if (parsed.ok) return { ...run, input: parsed.value };
  return recordRejection(options, run, parsed.error);
}
