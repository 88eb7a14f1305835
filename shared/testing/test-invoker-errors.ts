import { JobsError } from '../errors';
import { closestName } from '../support/closest-name';

/** A job enqueues `target`, which the test invoker was not given. */
export interface MissingEnqueueTarget {
  readonly jobName: string;
  readonly target: string;
}

/**
 * A job given to the test invoker declares in `enqueues` a job it was not given: its runs would
 * fail at the enqueue. Each missing target is listed, with the name it is most likely a slip for.
 */
export class UnknownEnqueueTargetError extends JobsError {
  override name = 'UnknownEnqueueTargetError';

  constructor(
    readonly missing: readonly MissingEnqueueTarget[],
    knownNames: readonly string[],
  ) {
    const lines = missing.map(({ jobName, target }) => {
      const suggestion = closestName(target, knownNames);
      const hint = suggestion
        ? ` Did you mean "${suggestion}"?`
        : ` Jobs given: ${knownNames.join(', ') || 'none'}.`;
      return `  - job "${jobName}" enqueues "${target}", which is not among the jobs given.${hint}`;
    });
    super(
      `The test invoker cannot run every job it was given:\n${lines.join('\n')}\n` +
        'Add each enqueued job to `jobs` (its definition, imported from its job file), ' +
        "or correct the name in the enqueuing job's `enqueues`.",
    );
  }
}
