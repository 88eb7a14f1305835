import {
  type SendMessageBatchRequest,
  type SendMessageRequest,
  SQSClient,
} from '@aws-sdk/client-sqs';
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
      escapingAstralCharacters(
        new SQSClient({
          endpoint,
          region: LOCAL_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      ),
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

/** A character beyond U+FFFF: a UTF-16 surrogate pair. */
const ASTRAL_CHARACTER = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/**
 * Sends each JSON message body with its characters beyond U+FFFF (an emoji, say) as JSON
 * escapes, which read back as the same text. SQS takes those characters (#x10000 to #x10FFFF,
 * in SendMessage's list of allowed characters), but fauxqs checks a body one UTF-16 code unit at
 * a time and refuses them with InvalidMessageContents. An escaped character takes 12 bytes
 * instead of 4: a body of 256,000 bytes stays within the 1 MiB a local queue takes.
 */
export function escapingAstralCharacters(client: SQSClient): SQSClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as object;
      if (context.commandName === 'SendMessageCommand') {
        const request = input as SendMessageRequest;
        return next({ ...args, input: { ...request, MessageBody: escaped(request.MessageBody) } });
      }
      if (context.commandName === 'SendMessageBatchCommand') {
        const request = input as SendMessageBatchRequest;
        const entries = request.Entries?.map((entry) => ({
          ...entry,
          MessageBody: escaped(entry.MessageBody),
        }));
        return next({ ...args, input: { ...request, Entries: entries } });
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'localAstralCharacterEscapes' },
  );
  return client;
}

/** `body` with its astral characters escaped, when it is JSON (in which they can only be text). */
function escaped(body: string | undefined): string | undefined {
  if (body === undefined || !ASTRAL_CHARACTER.test(body)) return body;
  try {
    JSON.parse(body);
  } catch {
    return body;
  }
  const unit = (pair: string, index: number) =>
    `\\u${pair.charCodeAt(index).toString(16).padStart(4, '0')}`;
  return body.replace(new RegExp(ASTRAL_CHARACTER, 'g'), (pair) => unit(pair, 0) + unit(pair, 1));
}
