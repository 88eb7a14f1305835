import * as z from 'zod/mini';
import '../support/zod-messages';

/** The key of the entry that applies to every job without its own. */
export const DEFAULT_ALERT_CONFIG_KEY = '_default';

// Secrets Manager names: letters, digits and /_+=.@- up to 512 characters.
const secretName = () =>
  z
    .string()
    .check(
      z.regex(
        /^[A-Za-z0-9/_+=.@-]{1,512}$/,
        'must be the name or ARN of a Secrets Manager secret holding the webhook URL, not the URL itself',
      ),
    );

/**
 * Who hears about a job's runs, and when. Webhook URLs are never stored here: only the name of
 * the Secrets Manager secret that holds each one.
 */
export const alertConfigSchema = z.strictObject({
  onFailure: z._default(z.boolean(), true),
  onSuccess: z._default(z.boolean(), false),
  onDurationOverMs: z.optional(
    z.int().check(z.positive('must be a positive number of milliseconds')),
  ),
  onDeadLetter: z._default(z.boolean(), true),
  /** A schedule tick that no run started within the tolerance (shared/sweep/missed-runs.ts). */
  onMissed: z._default(z.boolean(), true),
  emailRecipients: z._default(
    z.array(z.email('must be an email address')).check(z.maxLength(50)),
    [],
  ),
  slackWebhookSecret: z.optional(secretName()),
  teamsWebhookSecret: z.optional(secretName()),
  maxAlertsPerHour: z._default(
    z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(3600)),
    10,
  ),
});

export type AlertConfig = z.output<typeof alertConfigSchema>;
export type AlertConfigInput = z.input<typeof alertConfigSchema>;

/** What applies to a job with no entry and no default: failures alert, to no one yet. */
export const NO_ALERT_CONFIG: AlertConfig = alertConfigSchema.parse({});
