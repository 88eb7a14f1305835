import { SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import {
  conventionalQueueLocator,
  type QueueLocator,
  queueUrlFromArn,
} from '../shared/delivery/queue-locator';
import { awsLocation } from '../shared/naming/aws-location';
import { deadLetterQueueOf, type ResourceNames } from '../shared/naming/resource-names';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface EmbeddedSqs {
  readonly endpoint: string;
  readonly server: FauxqsServer;
  /** A client for this server; stand-in credentials, since fauxqs does not check them. */
  createClient(): SQSClient;
  /**
   * Creates a queue and its dead-letter queue (`<name>_dlq`), redriving after `maxReceiveCount`
   * receives, as the CDK stack does.
   */
  createQueueWithDlq(
    name: string,
    options: { readonly maxReceiveCount: number; readonly visibilityTimeoutSeconds?: number },
  ): {
    readonly url: string;
    readonly arn: string;
    readonly dlqUrl: string;
    readonly dlqArn: string;
  };
  /** The URL of a queue on this server from its ARN, as the worker needs for an SQS record. */
  queueUrlForArn(arn: string): string;
  /** Each job's queues on this server, named as the CDK stack names them. */
  queueLocator(names: ResourceNames): QueueLocator;
  stop(): Promise<void>;
}

/** fauxqs, an SQS wire-protocol server, started in this process. */
export async function startEmbeddedSqs(
  options: { readonly port?: number } = {},
): Promise<EmbeddedSqs> {
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, host: 'localhost' });
  const endpoint = server.address;
  const queueEndpoint = `http://sqs.${LOCAL_REGION}.localhost:${server.port}`;
  return {
    endpoint,
    server,
    createClient: () =>
      new SQSClient({
        endpoint,
        region: LOCAL_REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    createQueueWithDlq(name, queueOptions) {
      const dlq = server.createQueue(deadLetterQueueOf(name));
      const queue = server.createQueue(name, {
        attributes: {
          VisibilityTimeout: String(queueOptions.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlq.queueArn,
            maxReceiveCount: queueOptions.maxReceiveCount,
          }),
        },
      });
      return {
        url: queue.queueUrl,
        arn: queue.queueArn,
        dlqUrl: dlq.queueUrl,
        dlqArn: dlq.queueArn,
      };
    },
    queueUrlForArn: (arn) => queueUrlFromArn(arn, queueEndpoint),
    queueLocator: (names) =>
      conventionalQueueLocator({
        names,
        location: awsLocation(LOCAL_REGION, LOCAL_ACCOUNT_ID),
        endpoint: queueEndpoint,
      }),
    stop: () => server.stop(),
  };
}
