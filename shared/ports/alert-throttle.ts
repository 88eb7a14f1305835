/** What the throttle says about one alert. */
export interface AlertPermit {
  /** Whether the alert may be sent: fewer than `maxAlertsPerHour` went out this hour. */
  readonly allowed: boolean;
  /**
   * For the first alert sent in an hour: how many of the job's alerts were held back since the
   * last one that was sent, so that the message can say so. 0 otherwise.
   */
  readonly suppressedBefore: number;
}

/**
 * At most `maxPerHour` alerts per job per clock hour, however many runs end at once. An
 * implementation must decide atomically (a conditional update of a counter, never a read and
 * then a write), or concurrent failures would all see room and all send.
 */
export interface AlertThrottle {
  acquire(jobName: string, maxPerHour: number): Promise<AlertPermit>;
}
