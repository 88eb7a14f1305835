import type { Notifier } from '../../ports/notifier';
import type { AlertDelivery, AlertMessage, AlertReason, AlertTarget } from '../alert-message';
import { type AlertErrorText, formatAlert, omittedLinesNote } from '../format-alert';
import { notifyWebhook, type WebhookNotifierOptions } from './webhook-notifier';

/** A Block Kit text object. */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

/** The Block Kit blocks an alert uses. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText & { readonly type: 'plain_text' } }
  | { readonly type: 'section'; readonly text: SlackText }
  | { readonly type: 'section'; readonly fields: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

/**
 * An incoming-webhook message: `text` is what notifications and clients without blocks show;
 * `blocks` is the message itself.
 */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's documented Block Kit limits; a message over any of them is refused with a 400. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  /** Not a hard limit (Slack truncates `text` at 40,000); a notification shows a line or two. */
  fallbackText: 300,
} as const;

/** Room for each `Caused by` line, so that the error's own message keeps most of its section. */
const CAUSE_LENGTH = 300;

const EMOJI: Record<AlertReason, string> = {
  dead_letter: ':rotating_light:',
  failure: ':red_circle:',
  duration: ':hourglass_flowing_sand:',
  success: ':white_check_mark:',
  missed: ':alarm_clock:',
};

/**
 * The Slack incoming-webhook payload for `alert`: a header with what happened, the run's facts,
 * the message, the error and the first lines of its stack, any held-back note, and where to see
 * the run. Text from the run is escaped, so an error message cannot mention `@channel` or forge a
 * link, and every text is cut to Slack's limits.
 */
export function slackPayload(alert: AlertMessage): SlackPayload {
  const text = formatAlert(alert);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: cut(`${emojiFor(alert.reasons)} ${text.title}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: text.facts.slice(0, SLACK_LIMITS.sectionFields).map((fact) => ({
        type: 'mrkdwn',
        text: `*${fact.label}*\n${escapeWithin(fact.value, SLACK_LIMITS.fieldText - fact.label.length - 3)}`,
      })),
    },
  ];
  if (text.message) {
    blocks.push(mrkdwnSection('*Message*\n', text.message));
  }
  if (text.error) blocks.push(...errorBlocks(text.error));
  if (text.suppressedNote) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `:mute: ${escapeMrkdwn(text.suppressedNote)}` }],
    });
  }
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: whereToSee(text.runUrl, text.command) },
  });
  return {
    text: escapeWithin(text.summary, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

/**
 * Escapes the three characters that Slack's mrkdwn treats as control characters: `&`, `<` and
 * `>`. Without it `<!channel>` in an error message would notify everyone, and `<url|text>` would
 * forge a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Delivers alerts to a Slack channel through its incoming webhook, whose URL it reads from the
 * Secrets Manager secret the target names.
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack' as const;
  private readonly options: WebhookNotifierOptions;

  constructor(options: WebhookNotifierOptions) {
    this.options = options;
  }

  notify(alert: AlertMessage, target: AlertTarget): Promise<AlertDelivery> {
    return notifyWebhook('slack', alert, target, slackPayload, this.options);
  }
}

function errorBlocks(error: AlertErrorText): SlackBlock[] {
  const name = error.name.replaceAll('`', "'");
  const causes = error.causes
    .map((cause) => `\n_Caused by_ ${escapeWithin(cause, CAUSE_LENGTH)}`)
    .join('');
  const blocks: SlackBlock[] = [
    mrkdwnSection(`*Error* \`${escapeMrkdwn(name)}\`\n`, error.message, causes),
  ];
  if (error.stack.length > 0) {
    const omitted =
      error.omittedStackLines > 0
        ? `\n${escapeMrkdwn(omittedLinesNote(error.omittedStackLines))}`
        : '';
    blocks.push(codeSection(error.stack, omitted));
  }
  return blocks;
}

/** A section of `prefix`, then `raw` escaped and cut so that the whole fits a section. */
function mrkdwnSection(prefix: string, raw: string, suffix = ''): SlackBlock {
  const room = SLACK_LIMITS.sectionText - prefix.length - suffix.length;
  const text = `${prefix}${escapeWithin(raw, room)}${suffix}`;
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, SLACK_LIMITS.sectionText) } };
}

/** Stack lines in a code block, dropping lines from the end if they would not fit. */
function codeSection(lines: readonly string[], after: string): SlackBlock {
  // Three backticks inside the block would end it early; a zero-width space keeps them apart.
  const escaped = lines.map((line) => escapeMrkdwn(line).replaceAll('```', '``\u200b`'));
  const fence = (body: string[]) => `\`\`\`\n${body.join('\n')}\n\`\`\`${after}`;
  while (escaped.length > 1 && fence(escaped).length > SLACK_LIMITS.sectionText) escaped.pop();
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: cut(fence(escaped), SLACK_LIMITS.sectionText) },
  };
}

function whereToSee(runUrl: string | undefined, command: string): string {
  const link = runUrl ? slackLink(runUrl, 'Open the run') : undefined;
  const terminal = `\`${escapeMrkdwn(command.replaceAll('`', "'"))}\``;
  return link ? `${link}  ·  ${terminal}` : `See the run: ${terminal}`;
}

/** `<url|label>`, or the URL as text when it is not an http(s) URL Slack would link. */
function slackLink(url: string, label: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return escapeMrkdwn(url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return escapeMrkdwn(url);
  // `|` and `>` would end the link early; in a parsed URL they can only be percent-encoded.
  const target = parsed.href.replaceAll('|', '%7C').replaceAll('>', '%3E').replaceAll('<', '%3C');
  return `<${target.replaceAll('&', '&amp;')}|${escapeMrkdwn(label)}>`;
}

function emojiFor(reasons: readonly AlertReason[]): string {
  for (const reason of ['dead_letter', 'failure', 'duration', 'success'] as const) {
    if (reasons.includes(reason)) return EMOJI[reason];
  }
  return ':bell:';
}

/**
 * `raw` escaped, cut to at most `max` characters once escaped, ending in an ellipsis when cut.
 * Cuts between characters, never inside `&amp;` or a surrogate pair.
 */
function escapeWithin(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const char of raw) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/** `text` cut to `max` characters (whole code points), ending in an ellipsis when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
