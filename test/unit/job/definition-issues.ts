import { type DefinitionIssue, JobDefinitionError } from '../../../shared/errors';
import { defineJob } from '../../../shared/job/define-job';

/** A job body that does nothing, for definitions whose body is not under test. */
export const noop = async (): Promise<void> => {};

/** The JobDefinitionError that `defineJob(options)` throws; fails the test if it throws nothing. */
export function definitionError(options: unknown): JobDefinitionError {
  try {
    defineJob(options as never);
  } catch (error) {
    if (error instanceof JobDefinitionError) return error;
    throw error;
  }
  throw new Error(`defineJob accepted ${JSON.stringify(options)}, expected a JobDefinitionError`);
}

/** The issues `defineJob(options)` reports. */
export function definitionIssues(options: unknown): readonly DefinitionIssue[] {
  return definitionError(options).issues;
}
