/** Message attributes a dead-lettered run carries, beside its message as it was sent. */
export const DEAD_LETTER_ATTRIBUTES = {
  reason: 'jobsDeadLetterReason',
  runId: 'jobsRunId',
  /**
   * Set by a redrive: the id the message had in the dead-letter queue. The worker names the new
   * run after it, so a message redriven twice (its delete failed) runs once.
   */
  redriveOf: 'jobsRedriveOf',
} as const;

/**
 * For a message redriven from the dead-letter queue: the worker names its new run after this and
 * the message's id, one run per redriven message.
 */
export const REDRIVE_KEY_PREFIX = 'redrive:';
