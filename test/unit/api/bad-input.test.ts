import { InvalidMessageContents, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../../shared/api/api-request';
import { createApiHandler } from '../../../shared/api/create-api-handler';
import { ManualClock } from '../../../shared/clock/manual-clock';
import { JobControl } from '../../../shared/control/job-control';
import { RunCancel } from '../../../shared/control/run-cancel';
import { RunTrigger } from '../../../shared/control/run-trigger';
import { conventionalQueueLocator } from '../../../shared/delivery/queue-locator';
import { SqsEnqueuer } from '../../../shared/delivery/sqs-enqueuer';
import { UnstorableRecordError } from '../../../shared/errors';
import { JobRegistry } from '../../../shared/executor/job-registry';
import { defineJob } from '../../../shared/job/define-job';
import { JobResult } from '../../../shared/job/job-result';
import { MemoryLogger } from '../../../shared/logging/memory-logger';
import { awsLocation } from '../../../shared/naming/aws-location';
import { ResourceNames } from '../../../shared/naming/resource-names';
import type { EnqueuedRun, Enqueuer } from '../../../shared/ports/enqueuer';
import type { ExecutionHistory } from '../../../shared/ports/execution-history';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { noDeadLetters } from '../../support/no-dead-letters';

// What a caller may send wrong, and how the API answers it: a 4xx with a JSON
// { error, message, details? } that says what is wrong, its size, the limit and what to do;
// never a 500, and never a 202 for a run the worker could not run or record.

const sendEmail = defineJob({ name: 'send-email', run: async () => JobResult.success() });

function setup(options: { history?: Partial<ExecutionHistory>; enqueuer?: Enqueuer } = {}) {
  const clock = new ManualClock('2026-11-23T12:00:00.000Z');
  const jobs = JobRegistry.from([sendEmail]);
  const store = new InMemoryExecutionStore();
  const jobStateStore = new InMemoryJobStateStore(() => clock.now());
  const enqueued: EnqueuedRun[] = [];
  const logger = new MemoryLogger();
  const history: ExecutionHistory = {
    getRun: (jobName, runId) => store.getRun(jobName, runId),
    listRuns: async () => ({ items: [] }),
    listRecentRuns: async () => ({ items: [] }),
    listRecentFailures: async () => ({ items: [] }),
    ...options.history,
  };
  const handle = createApiHandler({
    jobs,
    history,
    jobStateStore,
    jobControl: new JobControl({ jobs, jobStateStore }),
    alertConfigStore: new InMemoryAlertConfigStore(),
    deadLetters: noDeadLetters,
    runCancel: new RunCancel({ jobs, cancellations: store, clock }),
    runTrigger: new RunTrigger({
      jobs,
      enqueuer: options.enqueuer ?? { enqueue: async (run) => void enqueued.push(run) },
      history: store,
      clock,
    }),
    clock,
    logger,
  });
  const call = async (
    method: string,
    path: string,
    request: Partial<Omit<ApiRequest, 'method' | 'path'>> = {},
  ) => {
    const response = await handle({ method, path, query: {}, ...request });
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, enqueued, logger };
}

const trigger = (body: string, headers?: Record<string, string>) => ({
  body,
  headers: { 'content-type': 'application/json', ...headers },
});

describe('a run its queue refuses', () => {
  // SendMessage's InvalidMessageContents: a queue that refuses characters the gate let through
  // (fauxqs refuses emoji) is the caller's 400, never a 500.
  it('answers 400 naming the queue’s refusal', async (context) => {
    const sqs = mockClient(SQSClient);
    context.onTestFinished(() => sqs.restore());
    sqs
      .on(SendMessageCommand)
      .rejects(new InvalidMessageContents({ message: 'Invalid characters found.', $metadata: {} }));
    const { call } = setup({
      enqueuer: new SqsEnqueuer({
        sqsClient: new SQSClient({ region: 'us-east-1' }),
        queues: conventionalQueueLocator({
          names: new ResourceNames('jobs'),
          location: awsLocation('eu-west-1', '123456789012'),
        }),
      }),
    });

    const response = await call('POST', '/jobs/send-email/runs', trigger('{"input":"🎉"}'));

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({
      error: 'bad_request',
      details: [{ path: 'message', message: 'the queue refused it: Invalid characters found.' }],
    });
  });
});

describe('POST /jobs/{name}/runs: what the worker would refuse, the API refuses first', () => {
  it('answers 400 for a number the document client cannot marshal (1e20), naming the field and the limit', async () => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/send-email/runs', trigger('{"input":{"n":1e20}}'));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('input.n: 100000000000000000000 is beyond'),
      details: [
        {
          path: 'input.n',
          message:
            "100000000000000000000 is beyond the numbers history stores exactly: DynamoDB's document client takes -9007199254740991 to 9007199254740991 (Number.MAX_SAFE_INTEGER); send a larger number as a string",
        },
      ],
    });
    expect(enqueued).toHaveLength(0);
  });

  it.each([
    ['1e400, which JSON reads as Infinity', '{"input":[1e400]}', 'input.0'],
    ['1e-200, which underflows in DynamoDB', '{"input":{"x":1e-200}}', 'input.x'],
    ['a lone surrogate', '{"input":{"s":"\\udc00"}}', 'input.s'],
  ])('answers 400 for %s', async (_what, body, path) => {
    const { call, enqueued } = setup();

    const response = await call('POST', '/jobs/send-email/runs', trigger(body));

    expect(response.statusCode).toBe(400);
    expect((response.json.details as { path: string }[])[0]?.path).toBe(path);
    expect(enqueued).toHaveLength(0);
  });

  it('answers 400 for an idempotency key of 600 characters, which the worker would record elsewhere', async () => {
    const { call, enqueued } = setup();

    const response = await call(
      'POST',
      '/jobs/send-email/runs',
      trigger(JSON.stringify({ idempotencyKey: 'k'.repeat(600) })),
    );

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual([
      {
        path: 'idempotencyKey',
        message:
          'is 600 characters, over the 512 an idempotency key may have; use a shorter key, such as a hash of this one',
      },
    ]);
    expect(enqueued).toHaveLength(0);
  });

  it('answers 400 for input nested deeper than history stores', async () => {
    const { call } = setup();
    let input: unknown = 1;
    for (let level = 0; level < 40; level++) input = [input];

    const response = await call(
      'POST',
      '/jobs/send-email/runs',
      trigger(JSON.stringify({ input })),
    );

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toMatch(/nested more than 30 levels deep/);
  });

  it('answers 400 for input that makes the message larger than a queue takes, saying its size and the limit', async () => {
    const { call } = setup();

    const response = await call(
      'POST',
      '/jobs/send-email/runs',
      trigger(JSON.stringify({ input: 'x'.repeat(300_000) })),
    );

    expect(response.statusCode).toBe(400);
    expect(response.json.details).toEqual([
      {
        path: 'input',
        message: expect.stringMatching(
          /^makes the run message 300,\d{3} bytes, over the 256,000 bytes a run message may take .*pass its key$/,
        ),
      },
    ]);
  });
});

describe('request bodies the API does not read', () => {
  it('answers 413 for a body over 1 MiB, saying its size and the limits', async () => {
    const { call } = setup();

    const response = await call(
      'POST',
      '/jobs/send-email/runs',
      trigger(JSON.stringify({ input: 'x'.repeat(2_000_000) })),
    );

    expect(response.statusCode).toBe(413);
    expect(response.json).toEqual({
      error: 'payload_too_large',
      message:
        "The request body is 2,000,012 bytes, over the 1,048,576 bytes the API reads. A run's whole message may take at most 256,000 bytes, its input included: keep large data elsewhere (S3, a table) and pass its key.",
      details: [{ path: 'body', message: 'must be at most 1,048,576 bytes' }],
    });
  });

  it.each(['application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream'])(
    'answers 415 for a body sent as %s, saying what is accepted',
    async (contentType) => {
      const { call, enqueued } = setup();

      const response = await call('POST', '/jobs/send-email/runs', {
        body: '{}',
        headers: { 'content-type': contentType },
      });

      expect(response.statusCode).toBe(415);
      expect(response.json).toEqual({
        error: 'unsupported_media_type',
        message: `Content-Type "${contentType}" is not accepted; send the body as JSON in UTF-8, with Content-Type: application/json (text/plain, and application/x-www-form-urlencoded as curl -d sends it, are read as JSON too).`,
        details: [{ path: 'content-type', message: 'must be application/json' }],
      });
      expect(enqueued).toHaveLength(0);
    },
  );

  it('answers 415 for a charset other than UTF-8, and for a compressed body', async () => {
    const { call } = setup();

    const latin1 = await call('PUT', '/jobs/send-email/alerts', {
      body: '{}',
      headers: { 'content-type': 'application/json; charset=ISO-8859-1' },
    });
    const gzip = await call('POST', '/jobs/send-email/runs', {
      body: '{}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });

    expect(latin1.statusCode).toBe(415);
    expect(latin1.json.message).toMatch(
      /^The charset "iso-8859-1" is not accepted; send the body as JSON in UTF-8/,
    );
    expect(gzip.statusCode).toBe(415);
    expect(gzip.json.message).toBe(
      'Content-Encoding "gzip" is not accepted; send the body uncompressed.',
    );
  });

  it.each([
    'application/json',
    'application/json; charset=UTF-8',
    'application/vnd.api+json',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
  ])('reads a JSON body sent as %s', async (contentType) => {
    const { call } = setup();

    const response = await call('POST', '/jobs/send-email/runs', {
      body: '{"input":{}}',
      headers: { 'content-type': contentType },
    });

    expect(response.statusCode).toBe(202);
  });

  it('reads a JSON body sent without a content type, and ignores the type of an empty body', async () => {
    const { call } = setup();

    const bare = await call('POST', '/jobs/send-email/runs', { body: '{}' });
    const empty = await call('POST', '/jobs/send-email/pause', {
      headers: { 'content-type': 'application/octet-stream' },
    });

    expect(bare.statusCode).toBe(202);
    expect(empty.statusCode).toBe(200);
  });
});

describe('paths no run or job could have', () => {
  it('answers 400 for a run id no run can have (over DynamoDB’s key limits), without asking history', async () => {
    let asked = false;
    const { call } = setup({
      history: {
        getRun: async () => {
          asked = true;
          throw Object.assign(
            new Error(
              'Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
            ),
            { name: 'ValidationException' },
          );
        },
      },
    });
    const runId = 'r'.repeat(951);

    const shown = await call('GET', `/jobs/send-email/runs/${runId}`);
    const retried = await call('POST', `/jobs/send-email/runs/${runId}/retry`);

    for (const response of [shown, retried]) {
      expect(response.statusCode).toBe(400);
      expect(response.json).toEqual({
        error: 'bad_request',
        message:
          "The run id in the path is 951 bytes, over the 950 bytes a run id may take (DynamoDB's 1,024-byte limit for a key, less what history's indexes add to it), so no run has it; list the job's runs to find the id.",
        details: [{ path: 'runId', message: 'is 951 bytes; at most 950 bytes' }],
      });
    }
    expect(asked).toBe(false);
  });

  it('answers 404 for a job name longer than any job’s', async () => {
    const { call } = setup();

    const response = await call('GET', `/jobs/${'send-email'.repeat(1000)}`);

    expect(response.statusCode).toBe(404);
    expect(response.json.error).toBe('not_found');
    expect(String(response.json.message).length).toBeLessThan(200);
  });
});

describe('a write history refuses as it is', () => {
  it('answers 400 with the reason, not 500', async () => {
    const { call } = setup({
      history: {
        listRuns: async () => {
          throw new UnstorableRecordError('executions.record', {
            cause: Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
              name: 'ValidationException',
            }),
          });
        },
      },
    });

    const response = await call('GET', '/jobs/send-email/runs');

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toMatch(/Item size has exceeded the maximum allowed size/);
  });
});
