/**
 * The AWS SDK's own retry, for every client the runtime creates (`new DynamoDBClient({
 * ...SDK_RETRY_SETTINGS })`, and likewise SQS and Scheduler). The SDK tells throttling from
 * transient errors (timeouts, the network, 5xx answers) and retries both with backoff; in
 * adaptive mode it also slows the client's own sending while the service throttles it, which a
 * retry loop around single calls cannot do. Five attempts ride out a short spell.
 */
export const SDK_RETRY_SETTINGS = { maxAttempts: 5, retryMode: 'adaptive' } as const;
