import type { DeadLetters } from '../../shared/ports/dead-letters';

/** Dead-letter queues that hold nothing, for API tests about other routes. */
export const noDeadLetters: DeadLetters = {
  list: async () => ({ deadLetters: [], approximateCount: 0 }),
  redrive: async (_jobName, options = {}) => ({
    redriven: [],
    notFound: [...(options.messageIds ?? [])],
  }),
};
