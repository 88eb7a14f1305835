// Alert webhooks over real HTTP, against a local endpoint: how long a delivery takes to give up
// on an endpoint that always answers 500 (default settings: 3 tries, backoff from 250 ms; the
// whole delivery may take 6 s) and on one that never answers (tries of 200 ms). Targets: within
// the delivery's time budget, 6 s and 2 s. The tests check the tries and errors; the figures
// are here because a busy machine stretches them.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  deliverWebhook,
  type WebhookDeliveryOptions,
} from '../shared/alerts/notifiers/webhook-delivery';
import { median, report } from './report';

const RUNS = 5;

async function main(): Promise<void> {
  const server = createServer((request, response) => {
    request.resume();
    if (request.url === '/hang') return; // never answers: the try's timeout must end it
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('rollup_error');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const timeToGiveUp = async (path: string, options: WebhookDeliveryOptions = {}) => {
    const timings: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const delivery = await deliverWebhook('slack', `${baseUrl}${path}`, { text: 'x' }, options);
      timings.push(performance.now() - started);
      if (delivery.delivered) throw new Error(`${path} was delivered`);
    }
    return median(timings);
  };

  try {
    process.stdout.write(`\nWebhook delivery giving up, median of ${RUNS}\n`);
    report(
      'an endpoint that answers 500, default settings',
      await timeToGiveUp('/down'),
      'ms',
      'target: < 6000 ms',
    );
    report(
      'an endpoint that never answers, 2 tries of 200 ms',
      await timeToGiveUp('/hang', { timeoutMs: 200, maxTries: 2, baseDelayMs: 20 }),
      'ms',
      'target: < 2000 ms',
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

await main();
