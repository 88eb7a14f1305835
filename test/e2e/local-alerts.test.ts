import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import type { RunsPage } from '../../shared/api/api-resources';
import { defineJob } from '../../shared/job/define-job';
import { MemoryLogger } from '../../shared/logging/memory-logger';
import { eventually } from '../support/eventually';

const E2E_TIMEOUT_MS = 60_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Received {
  readonly path: string;
  readonly at: number;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

/** Slack's and Teams' webhook endpoints, on this machine; `/down` always answers 500. */
async function webhookServer() {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        at: Date.now(),
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      });
      response
        .writeHead(request.url === '/down' ? 500 : 200)
        .end(request.url === '/down' ? 'boom' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return { received, url };
}

const eventuallyWithin = <T>(read: () => T | Promise<T>, done: (value: T) => boolean) =>
  eventually(read, done, 30_000);

async function call(runtime: LocalRuntime, method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as Record<string, unknown>;
}

const failing = (name: string) =>
  defineJob({
    name,
    retries: 0,
    run: async () => {
      throw new Error('the card processor refused the batch');
    },
  });

describe('alerts from the local runtime', { timeout: E2E_TIMEOUT_MS }, () => {
  it('delivers a Slack and a Teams alert over HTTP when a run fails', async () => {
    const hooks = await webhookServer();
    const runtime = await startLocalRuntime({
      jobs: [failing('charge-cards')],
      port: 0,
      inMemory: true,
      logger: new MemoryLogger(),
      appName: `alerts-${randomUUID().slice(0, 8)}`,
      webhookUrls: { 'jobs/slack': hooks.url('/slack'), 'jobs/teams': hooks.url('/teams') },
    });
    cleanups.push(() => runtime.stop());
    await call(runtime, 'PUT', '/jobs/charge-cards/alerts', {
      slackWebhookSecret: 'jobs/slack',
      teamsWebhookSecret: 'jobs/teams',
    });

    const { runId } = await call(runtime, 'POST', '/jobs/charge-cards/runs', {});
    const received = await eventuallyWithin(
      () => hooks.received,
      (requests) => requests.length >= 2,
    );

    const slack = received.find((request) => request.path === '/slack');
    const teams = received.find((request) => request.path === '/teams');
    expect(slack?.contentType).toContain('application/json');
    expect(JSON.stringify(slack?.body)).toContain(String(runId));
    expect(JSON.stringify(slack?.body)).toContain('the card processor refused the batch');
    expect(teams?.body).toMatchObject({ type: 'message' });
    expect(JSON.stringify(teams?.body)).toContain('charge-cards');
  });

  it('retries a webhook that answers 500 and records the failure, without holding up the run', async () => {
    const hooks = await webhookServer();
    const logger = new MemoryLogger();
    const runtime = await startLocalRuntime({
      jobs: [failing('settle-payments')],
      port: 0,
      inMemory: true,
      logger,
      appName: `alerts-${randomUUID().slice(0, 8)}`,
      webhookUrls: { 'jobs/slack': hooks.url('/down') },
    });
    cleanups.push(() => runtime.stop());
    await call(runtime, 'PUT', '/jobs/settle-payments/alerts', {
      slackWebhookSecret: 'jobs/slack',
    });

    await call(runtime, 'POST', '/jobs/settle-payments/runs', {});
    const notDelivered = await eventuallyWithin(
      () => logger.entries.find((entry) => entry.message === 'Alert not delivered'),
      (entry) => entry !== undefined,
    );
    const page = (await call(runtime, 'GET', '/jobs/settle-payments/runs')) as unknown as RunsPage;

    const tries = hooks.received.filter((request) => request.path === '/down');
    expect(notDelivered?.attributes).toMatchObject({
      channel: 'slack',
      delivered: false,
      tries: 3,
    });
    expect(tries).toHaveLength(3);
    const completedAt = Date.parse(page.runs[0]?.completedAt ?? '');
    expect(page.runs[0]?.status).toBe('failed');
    // The run was recorded as ended before its alert's first delivery was even tried.
    expect(completedAt).toBeLessThanOrEqual(tries[0]?.at ?? 0);
  });
});
