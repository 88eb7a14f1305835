import { describe, expect, it, vi } from 'vitest';
import { WebhookSecretError } from '../../../../shared/alerts/notifiers/notifier-errors';
import {
  escapeMrkdwn,
  SLACK_LIMITS,
  type SlackBlock,
  SlackNotifier,
  type SlackPayload,
  slackPayload,
} from '../../../../shared/alerts/notifiers/slack-notifier';
import type { WebhookUrlResolver } from '../../../../shared/alerts/notifiers/webhook-secrets';
import { failedAlert, hostileError, succeededAlert } from './alert-fixtures';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const target = { channel: 'slack', webhookSecret: 'jobs/slack-ops' } as const;

/** Every text of the payload, with the limit Slack puts on it. */
function textsWithLimits(payload: SlackPayload): { text: string; limit: number }[] {
  return payload.blocks.flatMap((block): { text: string; limit: number }[] => {
    switch (block.type) {
      case 'header':
        return [{ text: block.text.text, limit: SLACK_LIMITS.headerText }];
      case 'context':
        return block.elements.map((element) => ({ text: element.text, limit: 3_000 }));
      default:
        return 'fields' in block
          ? block.fields.map((field) => ({ text: field.text, limit: SLACK_LIMITS.fieldText }))
          : [{ text: block.text.text, limit: SLACK_LIMITS.sectionText }];
    }
  });
}

function sectionTexts(payload: SlackPayload): string[] {
  return payload.blocks.flatMap((block) =>
    block.type === 'section' && 'text' in block ? [block.text.text] : [],
  );
}

function resolverOf(url: string): WebhookUrlResolver {
  return { resolve: async () => url, forget: vi.fn() };
}

describe('slackPayload shape', () => {
  it('has fallback text for notifications and Block Kit blocks', () => {
    const payload = slackPayload(failedAlert());

    expect(typeof payload.text).toBe('string');
    expect(payload.text).toContain('daily-report failed (attempt 3 of 3)');
    expect(Array.isArray(payload.blocks)).toBe(true);
    expect(payload.blocks.length).toBeGreaterThan(0);
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('opens with a plain-text header naming what happened', () => {
    const [header] = slackPayload(failedAlert()).blocks;

    expect(header).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':red_circle: daily-report failed (attempt 3 of 3)',
        emoji: true,
      },
    });
  });

  it('gives the facts as mrkdwn fields, at most ten', () => {
    const facts = slackPayload(failedAlert()).blocks[1] as Extract<SlackBlock, { fields: unknown }>;

    expect(facts.type).toBe('section');
    expect(facts.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
    expect(facts.fields).toContainEqual({ type: 'mrkdwn', text: '*Attempt*\n3 of 3' });
    expect(facts.fields).toContainEqual({
      type: 'mrkdwn',
      text: '*Trigger*\nschedule, by scheduler',
    });
  });

  it('uses only block and text types that Block Kit defines', () => {
    const payload = slackPayload(failedAlert({ suppressedBefore: 3, message: 'partial' }));

    for (const block of payload.blocks) {
      expect(['header', 'section', 'context']).toContain(block.type);
    }
    for (const { text } of textsWithLimits(payload)) expect(text.length).toBeGreaterThan(0);
  });

  it('shows the error name, message and stack in a code block', () => {
    const texts = sectionTexts(slackPayload(failedAlert()));

    expect(texts).toContain(
      "*Error* `TypeError`\nCannot read properties of undefined (reading 'total')",
    );
    expect(texts.find((text) => text.startsWith('```'))).toMatch(
      /^```\nat step0 \(file:\/\/\/var\/task\/node_modules\/report_lib\/build_0\.js:10:5\)\n.*\n```$/s,
    );
  });

  it('links the run and gives the command', () => {
    const texts = sectionTexts(slackPayload(failedAlert()));

    expect(texts.at(-1)).toBe(
      '<https://jobs.example.com/jobs/daily-report/runs/01JZ3K8Q9V6T2M4N5P7R8S9T0V|Open the run>  ·  `npx jobctl history daily-report`',
    );
  });

  it('gives only the command when there is no run URL', () => {
    const { runUrl: _, ...withoutUrl } = failedAlert();

    const texts = sectionTexts(slackPayload(withoutUrl));

    expect(texts.at(-1)).toBe('See the run: `npx jobctl history daily-report`');
  });

  it('notes the alerts held back as context', () => {
    const payload = slackPayload(failedAlert({ suppressedBefore: 12 }));

    expect(payload.blocks).toContainEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':mute: 12 more alerts of this job were held back in the previous hour (limit: maxAlertsPerHour)',
        },
      ],
    });
  });

  it('shows the result message of a success', () => {
    const texts = sectionTexts(slackPayload(succeededAlert()));

    expect(texts).toContain('*Message*\nSent 1,204 reports');
  });
});

describe('slackPayload limits and escaping', () => {
  it('keeps every text within Slack limits for a very long message and stack', () => {
    const payload = slackPayload(
      failedAlert({ error: hostileError(), message: 'y'.repeat(9_000) }),
    );

    for (const { text, limit } of textsWithLimits(payload)) {
      expect(text.length).toBeLessThanOrEqual(limit);
    }
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('shows at most eight stack lines and says how many were left out', () => {
    const stack = sectionTexts(slackPayload(failedAlert({ error: hostileError() }))).find((text) =>
      text.startsWith('```'),
    );

    expect(stack?.split('\n').filter((line) => line.startsWith('at '))).toHaveLength(8);
    expect(stack).toContain('… 392 more lines (see the run for the whole stack)');
  });

  it('escapes &, < and > so an error cannot mention @channel or forge a link', () => {
    const payload = slackPayload(failedAlert({ error: hostileError() }));
    const error = sectionTexts(payload).find((text) => text.startsWith('*Error*'));

    expect(error).toContain(
      '&lt;!channel&gt; *bold* _italic_ [link](https://evil.example) &amp; &lt;https://evil.example|click&gt;',
    );
    expect(error).not.toContain('<!channel>');
    expect(payload.text).not.toContain('<!channel>');
  });

  it('never cuts an escaped character in half', () => {
    const payload = slackPayload(
      failedAlert({ error: { name: 'Error', message: '&'.repeat(2_000), stack: '' } }),
    );
    const error = sectionTexts(payload).find((text) => text.startsWith('*Error*')) ?? '';

    expect(error.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(error).toMatch(/(&amp;)+…$/);
  });

  it('cuts a header over 150 characters', () => {
    const payload = slackPayload(
      failedAlert({
        reasons: ['failure', 'duration'],
        jobName: `report-${'x'.repeat(200)}`,
        durationThresholdMs: 1_000,
      }),
    );
    const [header] = payload.blocks;

    expect(header?.type === 'header' && header.text.text.length).toBe(SLACK_LIMITS.headerText);
  });

  it('escapes the three control characters of mrkdwn and nothing else', () => {
    expect(escapeMrkdwn('a & b < c > d *e*')).toBe('a &amp; b &lt; c &gt; d *e*');
  });

  it('does not let a run URL with | or > end the link early', () => {
    const texts = sectionTexts(
      slackPayload(failedAlert({ runUrl: 'https://jobs.example.com/runs?a=1&b=x|y>z' })),
    );

    expect(texts.at(-1)).toContain(
      '<https://jobs.example.com/runs?a=1&amp;b=x%7Cy%3Ez|Open the run>',
    );
  });
});

describe('SlackNotifier', () => {
  it('posts the payload to the webhook its secret holds', async () => {
    const fetch = vi.fn(async () => new Response('ok', { status: 200 }));
    const notifier = new SlackNotifier({ webhookUrls: resolverOf(WEBHOOK), delivery: { fetch } });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({ channel: 'slack', delivered: true, tries: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(WEBHOOK);
    expect(JSON.parse(init.body as string)).toEqual(slackPayload(failedAlert()));
  });

  it('reports a secret it cannot read as not delivered, without throwing', async () => {
    const fetch = vi.fn();
    const webhookUrls: WebhookUrlResolver = {
      resolve: async () => {
        throw new WebhookSecretError(
          'jobs/slack-ops',
          'not_found',
          'Secret "jobs/slack-ops" does not exist',
        );
      },
      forget: vi.fn(),
    };
    const notifier = new SlackNotifier({ webhookUrls, delivery: { fetch } });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({
      channel: 'slack',
      delivered: false,
      tries: 0,
      error: 'Secret "jobs/slack-ops" does not exist',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reports a webhook Slack refuses with the status and the answer', async () => {
    const fetch = vi.fn(
      async () => new Response('channel_is_archived', { status: 410, statusText: 'Gone' }),
    );
    const webhookUrls = resolverOf(WEBHOOK);
    const notifier = new SlackNotifier({ webhookUrls, delivery: { fetch } });

    const delivery = await notifier.notify(failedAlert(), target);

    expect(delivery).toEqual({
      channel: 'slack',
      delivered: false,
      tries: 1,
      error: 'HTTP 410 Gone: channel_is_archived',
    });
  });

  it('reads the secret again next time after Slack says the webhook is gone', async () => {
    const fetch = vi.fn(async () => new Response('no_service', { status: 404 }));
    const webhookUrls = resolverOf(WEBHOOK);
    const notifier = new SlackNotifier({ webhookUrls, delivery: { fetch } });

    await notifier.notify(failedAlert(), target);

    expect(webhookUrls.forget).toHaveBeenCalledWith('jobs/slack-ops');
  });

  it('refuses a target of another channel without throwing', async () => {
    const notifier = new SlackNotifier({ webhookUrls: resolverOf(WEBHOOK) });

    const delivery = await notifier.notify(failedAlert(), { channel: 'teams', webhookSecret: 'x' });

    expect(delivery).toMatchObject({ channel: 'slack', delivered: false, tries: 0 });
  });
});
