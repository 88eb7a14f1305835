import { z } from 'zod';

/** The key of the entry that applies to every job without its own. */
export const DEFAULT_ALERT_CONFIG_KEY = '_default';

// Secrets Manager names: letters, digits and /_+=.@- up to 512 characters.
const secretName = z
  .string()
  .regex(
    /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    'must be the name or ARN of a Secrets Manager secret holding the webhook URL, not the URL itself',
  );

/**
 * Who hears about a job's runs, and when. Webhook URLs are never stored here: only the name of
 * the Secrets Manager secret that holds each one.
 */
export const alertConfigSchema = z.strictObject({
  onFailure: z.boolean().default(true),
  onSuccess: z.boolean().default(false),
  onDurationOverMs: z
    .number()
    .int()
    .positive('must be a positive number of milliseconds')
    .optional(),
  onDeadLetter: z.boolean().default(true),
  emailRecipients: z.array(z.email('must be an email address')).max(50).default([]),
  slackWebhookSecret: secretName.optional(),
  teamsWebhookSecret: secretName.optional(),
  maxAlertsPerHour: z.number().int().min(1, 'must be at least 1').max(3600).default(10),
});

export type AlertConfig = z.output<typeof alertConfigSchema>;
export type AlertConfigInput = z.input<typeof alertConfigSchema>;

/** What applies to a job with no entry and no default: failures alert, to no one yet. */
export const NO_ALERT_CONFIG: AlertConfig = alertConfigSchema.parse({});
