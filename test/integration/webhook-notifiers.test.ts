import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier, slackPayload } from '../../shared/alerts/notifiers/slack-notifier';
import { TeamsNotifier, teamsPayload } from '../../shared/alerts/notifiers/teams-notifier';
import type { WebhookDeliveryOptions } from '../../shared/alerts/notifiers/webhook-delivery';
import { SecretsManagerWebhookResolver } from '../../shared/alerts/notifiers/webhook-secrets';
import { failedAlert } from '../unit/alerts/notifiers/alert-fixtures';

/** One request the stand-in webhook endpoint received. */
interface Received {
  readonly path: string;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** How each path answers: a list of statuses, one per request, the last one repeating. */
const ROUTES: Record<string, number[]> = {
  '/slack/T000/B000': [200],
  '/teams/workflow': [202],
  '/flaky': [500, 500, 200],
  '/down': [500],
};

let server: Server;
let baseUrl: string;
let received: Received[];
let answered: Map<string, number>;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = request.url ?? '/';
  const body = await readBody(request);
  received.push({
    path,
    method: request.method ?? '',
    contentType: request.headers['content-type'],
    body: JSON.parse(body),
  });
  if (path === '/hang') return; // never answers: the notifier's timeout must end the try
  const statuses = ROUTES[path] ?? [404];
  const count = answered.get(path) ?? 0;
  answered.set(path, count + 1);
  const status = statuses[Math.min(count, statuses.length - 1)] ?? 404;
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(status < 300 ? 'ok' : status === 404 ? 'no_service' : 'rollup_error');
}

beforeAll(async () => {
  server = createServer((request, response) => void handle(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  received = [];
  answered = new Map();
  // Each secret resolves to a path of the local endpoint, in the two forms a secret may take.
  secrets.on(GetSecretValueCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    const path = SecretId.replace(/^jobs\/webhooks/, '');
    const url = `${baseUrl}${path}`;
    return { SecretString: path.startsWith('/teams') ? JSON.stringify({ url }) : url };
  });
});

afterEach(() => {
  secrets.reset();
});

function webhookUrls() {
  return new SecretsManagerWebhookResolver({
    secretsClient: new SecretsManagerClient({ region: 'eu-west-1' }),
    allowLocalHttp: true,
  });
}

function slackNotifier(delivery?: WebhookDeliveryOptions) {
  return new SlackNotifier({ webhookUrls: webhookUrls(), ...(delivery && { delivery }) });
}

describe('Slack and Teams notifiers over HTTP', () => {
  it('delivers a Slack alert as the Block Kit JSON it built', async () => {
    const alert = failedAlert();

    const delivery = await slackNotifier().notify(alert, {
      channel: 'slack',
      webhookSecret: 'jobs/webhooks/slack/T000/B000',
    });

    expect(delivery).toEqual({ channel: 'slack', delivered: true, tries: 1 });
    expect(received).toEqual([
      {
        path: '/slack/T000/B000',
        method: 'POST',
        contentType: 'application/json; charset=utf-8',
        body: slackPayload(alert),
      },
    ]);
  });

  it('delivers a Teams alert as an Adaptive Card message', async () => {
    const alert = failedAlert({ suppressedBefore: 4 });
    const notifier = new TeamsNotifier({ webhookUrls: webhookUrls() });

    const delivery = await notifier.notify(alert, {
      channel: 'teams',
      webhookSecret: 'jobs/webhooks/teams/workflow',
    });

    expect(delivery).toEqual({ channel: 'teams', delivered: true, tries: 1 });
    expect(received).toHaveLength(1);
    expect(received[0]?.contentType).toBe('application/json; charset=utf-8');
    expect(received[0]?.body).toEqual(teamsPayload(alert));
    expect(received[0]?.body).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
    });
  });

  it('retries a webhook that answers 500 twice, and records the three tries', async () => {
    const delivery = await slackNotifier({ baseDelayMs: 20 }).notify(failedAlert(), {
      channel: 'slack',
      webhookSecret: 'jobs/webhooks/flaky',
    });

    expect(delivery).toEqual({ channel: 'slack', delivered: true, tries: 3 });
    expect(received.map((request) => request.path)).toEqual(['/flaky', '/flaky', '/flaky']);
  });

  it('gives up on a webhook that always answers 500, with the reason', async () => {
    const delivery = await slackNotifier().notify(failedAlert(), {
      channel: 'slack',
      webhookSecret: 'jobs/webhooks/down',
    });

    expect(delivery).toEqual({
      channel: 'slack',
      delivered: false,
      tries: 3,
      error: 'HTTP 500 Internal Server Error: rollup_error (after 3 tries)',
    });
  });

  it('ends a try that gets no answer at its timeout', async () => {
    const delivery = await slackNotifier({ timeoutMs: 200, maxTries: 2, baseDelayMs: 20 }).notify(
      failedAlert(),
      { channel: 'slack', webhookSecret: 'jobs/webhooks/hang' },
    );

    expect(delivery).toEqual({
      channel: 'slack',
      delivered: false,
      tries: 2,
      error: 'no answer within 0.2 s (after 2 tries)',
    });
  });

  it('does not retry a webhook that is gone', async () => {
    const delivery = await slackNotifier().notify(failedAlert(), {
      channel: 'slack',
      webhookSecret: 'jobs/webhooks/revoked',
    });

    expect(delivery).toEqual({
      channel: 'slack',
      delivered: false,
      tries: 1,
      error: 'HTTP 404 Not Found: no_service',
    });
  });

  it('refuses a plain-http webhook secret unless local http is allowed', async () => {
    const notifier = new SlackNotifier({
      webhookUrls: new SecretsManagerWebhookResolver({
        secretsClient: new SecretsManagerClient({ region: 'eu-west-1' }),
      }),
    });

    const delivery = await notifier.notify(failedAlert(), {
      channel: 'slack',
      webhookSecret: 'jobs/webhooks/slack/T000/B000',
    });

    expect(delivery).toMatchObject({ delivered: false, tries: 0 });
    expect(delivery.error).toContain('its URL is http: rather than https:');
    expect(received).toEqual([]);
  });
});
