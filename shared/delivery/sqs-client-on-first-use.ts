import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { SDK_RETRY_SETTINGS } from '../support/sdk-retry-settings';

/** What the worker and the enqueuer need of an SQS client. */
export type SqsSender = Pick<SQSClient, 'send'>;

/**
 * An SQS client whose code (the client and its commands) loads on the first send: a worker
 * sends only to enqueue, retry later or dead-letter, so most invocations never need it, and
 * loading it would cost every cold start (bench/lambda-bundle.bench.ts).
 */
export function sqsClientOnFirstUse(config: SQSClientConfig = SDK_RETRY_SETTINGS): SqsSender {
  let client: Promise<SQSClient> | undefined;
  const send = async (...args: Parameters<SQSClient['send']>) => {
    client ??= import('@aws-sdk/client-sqs')
      .then(({ SQSClient }) => new SQSClient(config))
      .catch((error: unknown) => {
        client = undefined;
        throw error;
      });
    return (await client).send(...args);
  };
  return { send } as SqsSender;
}
