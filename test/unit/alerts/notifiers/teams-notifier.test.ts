import { describe, expect, it, vi } from 'vitest';
import {
  escapeCardMarkdown,
  TEAMS_MESSAGE_MAX_BYTES,
  type TeamsContainer,
  type TeamsElement,
  type TeamsFactSet,
  TeamsNotifier,
  type TeamsTextBlock,
  teamsPayload,
} from '../../../../shared/alerts/notifiers/teams-notifier';
import type { WebhookUrlResolver } from '../../../../shared/alerts/notifiers/webhook-secrets';
import { failedAlert, hostileError, succeededAlert } from './alert-fixtures';

const WEBHOOK =
  'https://prod-23.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=xyz';
const target = { channel: 'teams', webhookSecret: 'jobs/teams-ops' } as const;

function cardOf(alert = failedAlert()) {
  const [attachment] = teamsPayload(alert).attachments;
  return attachment.content;
}

function textBlocks(body: readonly TeamsElement[]): TeamsTextBlock[] {
  return body.flatMap((element) =>
    element.type === 'TextBlock'
      ? [element]
      : element.type === 'Container'
        ? textBlocks(element.items)
        : [],
  );
}

function stackContainer(body: readonly TeamsElement[]): TeamsContainer | undefined {
  return body.find((element): element is TeamsContainer => element.type === 'Container');
}

function resolverOf(url: string): WebhookUrlResolver {
  return { resolve: async () => url, forget: vi.fn() };
}

describe('teamsPayload shape', () => {
  it('is a message with one Adaptive Card attachment, as the webhook documentation shows', () => {
    const payload = teamsPayload(failedAlert());

    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
      },
    });
    expect(Array.isArray(payload.attachments[0].content.body)).toBe(true);
  });

  it('opens with the title in large bold text, coloured for a failure', () => {
    expect(cardOf().body[0]).toEqual({
      type: 'TextBlock',
      text: 'daily-report failed (attempt 3 of 3)',
      wrap: true,
      size: 'Large',
      weight: 'Bolder',
      color: 'Attention',
    });
  });

  it('colours a success as good', () => {
    expect(cardOf(succeededAlert()).body[0]).toMatchObject({ color: 'Good' });
  });

  it('gives the facts as a FactSet of title and value strings', () => {
    const facts = cardOf().body.find(
      (element): element is TeamsFactSet => element.type === 'FactSet',
    );

    expect(facts?.facts).toContainEqual({ title: 'Attempt', value: '3 of 3' });
    expect(facts?.facts).toContainEqual({ title: 'Run', value: '01JZ3K8Q9V6T2M4N5P7R8S9T0V' });
    for (const fact of facts?.facts ?? []) {
      expect(typeof fact.title).toBe('string');
      expect(typeof fact.value).toBe('string');
    }
  });

  it('shows the stack one monospace line per block, in an emphasised container', () => {
    const container = stackContainer(cardOf().body);

    expect(container?.style).toBe('emphasis');
    expect(container?.items).toHaveLength(4);
    expect(container?.items[0]).toEqual({
      type: 'TextBlock',
      text: 'at step0 (file:///var/task/node\\_modules/report\\_lib/build\\_0.js:10:5)',
      wrap: true,
      fontType: 'Monospace',
      size: 'Small',
      spacing: 'None',
    });
  });

  it('opens the run from an Action.OpenUrl when there is a run URL', () => {
    expect(cardOf().actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open the run',
        url: 'https://jobs.example.com/jobs/daily-report/runs/01JZ3K8Q9V6T2M4N5P7R8S9T0V',
      },
    ]);
  });

  it('has no actions when there is no run URL, and still gives the command', () => {
    const { runUrl: _, ...withoutUrl } = failedAlert();

    const card = cardOf(withoutUrl);

    expect(card.actions).toBeUndefined();
    expect(textBlocks(card.body).at(-1)).toMatchObject({
      text: 'npx jobctl history daily-report',
      fontType: 'Monospace',
    });
  });

  it('notes the alerts held back', () => {
    const texts = textBlocks(cardOf(failedAlert({ suppressedBefore: 12 })).body).map(
      (block) => block.text,
    );

    expect(texts).toContain(
      '12 more alerts of this job were held back in the previous hour (limit: maxAlertsPerHour)',
    );
  });

  it('has fallback text for clients that cannot show the card', () => {
    expect(cardOf().fallbackText).toContain('daily-report failed (attempt 3 of 3)');
  });
});

describe('teamsPayload limits and escaping', () => {
  it('shows at most eight stack lines of a very long stack, and says how many were left out', () => {
    const container = stackContainer(cardOf(failedAlert({ error: hostileError() })).body);

    expect(container?.items.filter((item) => item.fontType === 'Monospace')).toHaveLength(8);
    expect(container?.items.at(-1)?.text).toBe(
      '… 392 more lines (see the run for the whole stack)',
    );
  });

  it('stays well under the 28 KB Teams takes for a very long message and stack', () => {
    const payload = teamsPayload(
      failedAlert({ error: hostileError(), message: 'y'.repeat(50_000) }),
    );

    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(TEAMS_MESSAGE_MAX_BYTES / 2);
  });

  it('escapes Markdown in an error message so it shows as written', () => {
    const error = textBlocks(cardOf(failedAlert({ error: hostileError() })).body).find(
      (block) => block.color === 'Attention' && block.text.startsWith('**ReportError**'),
    );

    expect(error?.text).toContain(
      '**ReportError**: <!channel> \\*bold\\* \\_italic\\_ \\[link\\](https://evil.example) &',
    );
  });

  it('escapes a list marker at the start of a line, and keeps the line breaks', () => {
    const message = textBlocks(cardOf(succeededAlert({ message: '- one\n2. two' })).body)[1];

    expect(message?.text).toBe('\\- one\n\n2\\. two');
  });

  it('escapes backslashes first, so an escape in the text stays text', () => {
    expect(escapeCardMarkdown('C:\\jobs\\*')).toBe('C:\\\\jobs\\\\\\*');
  });
});

describe('TeamsNotifier', () => {
  it('posts the card to the webhook its secret holds', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 202 }));
    const notifier = new TeamsNotifier({ webhookUrls: resolverOf(WEBHOOK), delivery: { fetch } });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({ channel: 'teams', delivered: true, tries: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(WEBHOOK);
    expect(JSON.parse(init.body as string)).toEqual(teamsPayload(failedAlert()));
  });

  it('retries when a legacy connector answers 200 with a throttling error in the body', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(
        new Response('Microsoft Teams endpoint returned HTTP error 429 with ContextId ...', {
          status: 200,
        }),
      )
      .mockResolvedValueOnce(new Response('1', { status: 200 }));
    const notifier = new TeamsNotifier({
      webhookUrls: resolverOf(WEBHOOK),
      delivery: { fetch, sleep: async () => {} },
    });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({ channel: 'teams', delivered: true, tries: 2 });
  });

  it('reports an endpoint unreachable on every try as not delivered, without throwing', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') });
    });
    const notifier = new TeamsNotifier({
      webhookUrls: resolverOf(WEBHOOK),
      delivery: { fetch, sleep: async () => {} },
    });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({
      channel: 'teams',
      delivered: false,
      tries: 3,
      error: 'network error: getaddrinfo ENOTFOUND (after 3 tries)',
    });
  });
});
