import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll } from 'vitest';
import {
  createTableInput,
  type EmbeddedDynamoDb,
  startEmbeddedDynamoDb,
} from '../../local/embedded-dynamodb';
import {
  type EmbeddedSqs,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  startEmbeddedSqs,
} from '../../local/embedded-sqs';
import type { QueueAddress } from '../../shared/delivery/queue-locator';
import {
  ALERT_CONFIG_TABLE,
  EXECUTIONS_TABLE,
  JOB_STATE_TABLE,
  type TableNames,
} from '../../shared/tables/table-definitions';
import {
  MOTO_ACCOUNT_ID,
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoServer,
  startMotoServer,
} from './moto-server';

/**
 * Which servers the integration tests call. By default the embedded ones: dynalite (DynamoDB)
 * and fauxqs (SQS), in this process. `JOBS_TEST_AWS=moto` selects `moto_server` instead (a child
 * process per test file), so that a second, independent implementation of each protocol checks
 * the same calls; it also mocks EventBridge Scheduler, which has no embedded server.
 */
export type AwsTestBackend = 'embedded' | 'moto';

export const awsTestBackend: AwsTestBackend = backendFromEnvironment();

/** The name of the server each service's tests run against, for test titles. */
export const awsTestServerNames = {
  dynamoDb: awsTestBackend === 'moto' ? 'moto' : 'dynalite',
  sqs: awsTestBackend === 'moto' ? 'moto' : 'fauxqs',
  scheduler: awsTestBackend === 'moto' ? 'moto' : 'no server',
} as const;

/** Why the Scheduler tests do not run, when they do not (undefined when they do). */
export const schedulerServerMissing: string | undefined =
  awsTestBackend === 'moto'
    ? undefined
    : 'EventBridge Scheduler has no embedded server: these tests run with JOBS_TEST_AWS=moto (as .ci/run does)';

function backendFromEnvironment(): AwsTestBackend {
  const value = process.env.JOBS_TEST_AWS ?? '';
  if (value === '' || value === 'embedded') return 'embedded';
  if (value === 'moto') return 'moto';
  throw new Error(`JOBS_TEST_AWS must be "moto" or "embedded" (or unset), not "${value}"`);
}

/**
 * Starts a DynamoDB server for the calling test file (dynalite in memory on port 0, or moto) and
 * stops it afterwards. Each test asks for its own tables, so tests in one file never see each
 * other's items.
 */
export function useDynamoDb(): { readonly current: EmbeddedDynamoDb } {
  return useServer(() =>
    awsTestBackend === 'moto' ? startMotoDynamoDb() : startEmbeddedDynamoDb(),
  );
}

/**
 * Starts fauxqs for the calling test file (port 0) and stops it afterwards, whatever
 * JOBS_TEST_AWS says: for tests that use fauxqs's own API (`server`) to look inside a queue.
 * Tests that need only SQS's own API use `useSqsServer`.
 */
export function useSqs(): { readonly current: EmbeddedSqs } {
  return useServer(() => startEmbeddedSqs());
}

/** An SQS server, reached through SQS's own API only. */
export interface TestSqs {
  readonly endpoint: string;
  createClient(): SQSClient;
  /** Creates a queue with SQS's defaults. */
  createQueue(name: string): Promise<QueueAddress>;
  /** Where a queue of this name is, or would be, on this server. */
  queueAddress(name: string): QueueAddress;
  stop(): Promise<void>;
}

/**
 * Starts an SQS server for the calling test file (fauxqs on port 0, or moto) and stops it
 * afterwards.
 */
export function useSqsServer(): { readonly current: TestSqs } {
  return useServer(() => (awsTestBackend === 'moto' ? startMotoSqs() : startFauxqsSqs()));
}

/** An EventBridge Scheduler server. */
export interface TestScheduler {
  readonly endpoint: string;
  createClient(): SchedulerClient;
  /** The ARN of a queue in the server's account and region (Scheduler does not check it). */
  queueArn(name: string): string;
  stop(): Promise<void>;
}

/**
 * Starts moto for the calling test file's Scheduler tests and stops it afterwards. Call it
 * inside a `describe.skipIf(schedulerServerMissing)`, so that nothing starts when there is no
 * Scheduler server to start.
 */
export function useScheduler(): { readonly current: TestScheduler } {
  return useServer(async () => {
    if (schedulerServerMissing) throw new Error(schedulerServerMissing);
    const moto = await startMotoServer();
    return {
      endpoint: moto.endpoint,
      createClient: () => new SchedulerClient(motoClientConfig(moto)),
      queueArn: (name) => `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:${name}`,
      stop: () => moto.stop(),
    };
  });
}

/** A set of table names no other test uses. */
export function uniqueTableNames(): TableNames {
  const suffix = randomUUID().slice(0, 8);
  return {
    executions: `executions-${suffix}`,
    jobState: `job-state-${suffix}`,
    alertConfig: `alert-config-${suffix}`,
  };
}

/** Creates a fresh set of the project's tables on `dynamoDb` and returns their names. */
export async function createUniqueTables(dynamoDb: EmbeddedDynamoDb): Promise<TableNames> {
  const names = uniqueTableNames();
  await dynamoDb.createTables(names);
  return names;
}

/** A queue name no other test uses. */
export function uniqueQueueName(prefix = 'queue'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Starts a server before the file's tests and stops it after them. */
function useServer<T extends { stop(): Promise<void> }>(
  start: () => Promise<T>,
): { readonly current: T } {
  const holder: { current: T } = { current: undefined as unknown as T };
  beforeAll(async () => {
    holder.current = await start();
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}

function motoClientConfig(moto: MotoServer) {
  return { endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS };
}

async function startMotoDynamoDb(): Promise<EmbeddedDynamoDb> {
  const moto = await startMotoServer();
  const createClient = () => new DynamoDBClient(motoClientConfig(moto));
  return {
    endpoint: moto.endpoint,
    createClient,
    async createTables(names) {
      const client = createClient();
      try {
        await Promise.all(
          [
            createTableInput(EXECUTIONS_TABLE, names.executions),
            createTableInput(JOB_STATE_TABLE, names.jobState),
            createTableInput(ALERT_CONFIG_TABLE, names.alertConfig),
          ].map((input) => client.send(new CreateTableCommand(input))),
        );
      } finally {
        client.destroy();
      }
    },
    stop: () => moto.stop(),
  };
}

async function startMotoSqs(): Promise<TestSqs> {
  const moto = await startMotoServer();
  const createClient = () => new SQSClient(motoClientConfig(moto));
  const queueAddress = (name: string): QueueAddress => ({
    url: `${moto.endpoint}/${MOTO_ACCOUNT_ID}/${name}`,
    arn: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:${name}`,
  });
  return {
    endpoint: moto.endpoint,
    createClient,
    async createQueue(name) {
      const client = createClient();
      try {
        const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
        return { ...queueAddress(name), url: QueueUrl ?? queueAddress(name).url };
      } finally {
        client.destroy();
      }
    },
    queueAddress,
    stop: () => moto.stop(),
  };
}

async function startFauxqsSqs(): Promise<TestSqs> {
  const embedded = await startEmbeddedSqs();
  return {
    endpoint: embedded.endpoint,
    createClient: () => embedded.createClient(),
    async createQueue(name) {
      const queue = embedded.server.createQueue(name);
      return { url: queue.queueUrl, arn: queue.queueArn };
    },
    queueAddress: (name) => ({
      url: `${embedded.endpoint}/${LOCAL_ACCOUNT_ID}/${name}`,
      arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`,
    }),
    stop: () => embedded.stop(),
  };
}
