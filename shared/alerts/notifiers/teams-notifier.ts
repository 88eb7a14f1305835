import type { Notifier } from '../../ports/notifier';
import type { AlertDelivery, AlertMessage, AlertReason, AlertTarget } from '../alert-message';
import { type AlertErrorText, formatAlert, omittedLinesNote } from '../format-alert';
import { notifyWebhook, type WebhookNotifierOptions } from './webhook-notifier';

/** The Adaptive Card elements an alert uses. */
export interface TeamsTextBlock {
  readonly type: 'TextBlock';
  readonly text: string;
  readonly wrap: boolean;
  readonly size?: 'Small' | 'Default' | 'Medium' | 'Large';
  readonly weight?: 'Lighter' | 'Default' | 'Bolder';
  readonly color?: 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
  readonly isSubtle?: boolean;
  readonly fontType?: 'Default' | 'Monospace';
  readonly spacing?: 'None' | 'Small' | 'Default' | 'Medium';
}

export interface TeamsFactSet {
  readonly type: 'FactSet';
  readonly facts: readonly { readonly title: string; readonly value: string }[];
}

export interface TeamsContainer {
  readonly type: 'Container';
  readonly style?: 'default' | 'emphasis';
  readonly items: readonly TeamsTextBlock[];
}

export type TeamsElement = TeamsTextBlock | TeamsFactSet | TeamsContainer;

export interface TeamsOpenUrlAction {
  readonly type: 'Action.OpenUrl';
  readonly title: string;
  readonly url: string;
}

export interface TeamsAdaptiveCard {
  readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  readonly type: 'AdaptiveCard';
  readonly version: typeof TEAMS_CARD_VERSION;
  /** What a client that cannot show the card shows instead. */
  readonly fallbackText: string;
  /** Teams' extension: use the channel's whole width, which a stack trace needs. */
  readonly msteams: { readonly width: 'Full' };
  readonly body: readonly TeamsElement[];
  readonly actions?: readonly TeamsOpenUrlAction[];
}

/**
 * What a Teams incoming webhook and a Workflows "when a Teams webhook request is received" flow
 * both take: a message with one Adaptive Card attachment.
 */
export interface TeamsPayload {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: TeamsAdaptiveCard;
    },
  ];
}

/**
 * 1.4 rather than 1.5: Workflows' "post card" action and Teams mobile render 1.4, and the card
 * needs nothing newer.
 */
export const TEAMS_CARD_VERSION = '1.4';

/** Teams refuses a message over about 28 KB; the alert's own limits keep a card far below. */
export const TEAMS_MESSAGE_MAX_BYTES = 28_000;

const COLOR: Record<AlertReason, NonNullable<TeamsTextBlock['color']>> = {
  dead_letter: 'Attention',
  failure: 'Attention',
  duration: 'Warning',
  success: 'Good',
  missed: 'Attention',
};

/**
 * The Teams payload for `alert`: an Adaptive Card with what happened, the run's facts, the
 * message, the error and the first lines of its stack, any held-back note, the CLI command, and
 * an "Open the run" button when there is a run URL. Text from the run is escaped for the
 * card's Markdown, so `**` or `_` in an error message shows as written.
 */
export function teamsPayload(alert: AlertMessage): TeamsPayload {
  const text = formatAlert(alert);
  const body: TeamsElement[] = [
    {
      type: 'TextBlock',
      text: escapeCardMarkdown(text.title),
      wrap: true,
      size: 'Large',
      weight: 'Bolder',
      color: colorFor(alert.reasons),
    },
    {
      type: 'FactSet',
      facts: text.facts.map((fact) => ({
        title: fact.label,
        value: escapeCardMarkdown(fact.value),
      })),
    },
  ];
  if (text.message) {
    body.push({ type: 'TextBlock', text: paragraphs(text.message), wrap: true });
  }
  if (text.error) body.push(...errorElements(text.error));
  if (text.suppressedNote) {
    body.push({
      type: 'TextBlock',
      text: escapeCardMarkdown(text.suppressedNote),
      wrap: true,
      isSubtle: true,
      size: 'Small',
    });
  }
  body.push(
    { type: 'TextBlock', text: 'From a terminal:', wrap: true, isSubtle: true, size: 'Small' },
    {
      type: 'TextBlock',
      text: escapeCardMarkdown(text.command),
      wrap: true,
      fontType: 'Monospace',
      spacing: 'None',
    },
  );
  const url = text.runUrl && isWebUrl(text.runUrl) ? text.runUrl : undefined;
  const card: TeamsAdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: TEAMS_CARD_VERSION,
    fallbackText: text.summary,
    msteams: { width: 'Full' },
    body,
    ...(url && { actions: [{ type: 'Action.OpenUrl', title: 'Open the run', url }] }),
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

/**
 * Escapes what an Adaptive Card's Markdown would turn into formatting: `\`, `*`, `_`, `[`, `]`
 * and a list marker at the start of a line. Stack traces are full of `node_modules/a_b` paths
 * that would otherwise turn italic.
 */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(/[\\*_[\]`]/g, (char) => `\\${char}`)
    .replace(
      /^(\s*)([-+]|\d+\.)(?=\s)/gm,
      (_, space: string, marker: string) => `${space}${marker.replace(/([-+.])$/, '\\$1')}`,
    );
}

/**
 * Delivers alerts to a Teams channel through an incoming webhook or a Workflows webhook, whose
 * URL it reads from the Secrets Manager secret the target names.
 */
export class TeamsNotifier implements Notifier {
  readonly channel = 'teams' as const;
  private readonly options: WebhookNotifierOptions;

  constructor(options: WebhookNotifierOptions) {
    this.options = {
      ...options,
      // Legacy connectors answer a throttled request with 200 and this text in the body.
      delivery: { isThrottledBody: (body) => /HTTP error 429/.test(body), ...options.delivery },
    };
  }

  notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery> {
    return notifyWebhook('teams', alert, target, teamsPayload, this.options);
  }
}

function errorElements(error: AlertErrorText): TeamsElement[] {
  const elements: TeamsElement[] = [
    {
      type: 'TextBlock',
      text: `**${escapeCardMarkdown(error.name)}**: ${paragraphs(error.message)}`,
      wrap: true,
      color: 'Attention',
    },
  ];
  for (const cause of error.causes) {
    elements.push({
      type: 'TextBlock',
      text: `Caused by ${escapeCardMarkdown(cause)}`,
      wrap: true,
      isSubtle: true,
      spacing: 'None',
    });
  }
  if (error.stack.length > 0) {
    // One block per line: Markdown would join single line breaks into one paragraph.
    const items: TeamsTextBlock[] = error.stack.map((line) => ({
      type: 'TextBlock',
      text: escapeCardMarkdown(line),
      wrap: true,
      fontType: 'Monospace',
      size: 'Small',
      spacing: 'None',
    }));
    if (error.omittedStackLines > 0) {
      items.push({
        type: 'TextBlock',
        text: escapeCardMarkdown(omittedLinesNote(error.omittedStackLines)),
        wrap: true,
        isSubtle: true,
        size: 'Small',
        spacing: 'Small',
      });
    }
    elements.push({ type: 'Container', style: 'emphasis', items });
  }
  return elements;
}

/** Escaped text whose line breaks survive Markdown, which needs a blank line to break. */
function paragraphs(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeCardMarkdown(line))
    .join('\n\n');
}

function colorFor(reasons: readonly AlertReason[]): NonNullable<TeamsTextBlock['color']> {
  for (const reason of ['dead_letter', 'failure', 'duration', 'success'] as const) {
    if (reasons.includes(reason)) return COLOR[reason];
  }
  return 'Default';
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
