import { SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** What a job's queue is made with; a reloaded job file may change either. */
export interface JobQueueSettings {
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
}

/**
 * Brings a job's existing queue to its settings after its job file changed (its retries or its
 * timeout), keeping the messages it holds: fauxqs would make an empty queue of one created again
 * under the same name, where a deploy updates the queue in place.
 */
export async function updateJobQueue(
  sqsClient: SQSClient,
  queue: { readonly url: string; readonly dlqArn: string },
  settings: JobQueueSettings,
): Promise<void> {
  await sqsClient.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.url,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: queue.dlqArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
      },
    }),
  );
}
