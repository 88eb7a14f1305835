import { readFile } from 'node:fs/promises';
import { WebhookSecretError } from '../shared/alerts/notifiers/notifier-errors';
import {
  parseWebhookUrl,
  type WebhookUrlResolver,
} from '../shared/alerts/notifiers/webhook-secrets';

/**
 * Secrets Manager on this machine: the webhook URL of a secret name comes from the environment
 * (`JOBS_SECRET_<NAME>`, the name upper-cased with every other character as `_`: `jobs/slack`
 * is `JOBS_SECRET_JOBS_SLACK`), or else from a JSON file of names to URLs (`.data/secrets.json`,
 * which git ignores). http is allowed for localhost, so a local server can stand in for Slack.
 */
export class LocalWebhookUrls implements WebhookUrlResolver {
  constructor(
    private readonly options: {
      readonly file: string;
      readonly env?: Readonly<Record<string, string | undefined>>;
      readonly urls?: Readonly<Record<string, string>>;
    },
  ) {}

  async resolve(secretId: string): Promise<string> {
    const envName = `JOBS_SECRET_${secretId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    const fromEnv = (this.options.env ?? process.env)[envName];
    const text = this.options.urls?.[secretId] ?? fromEnv ?? (await this.fromFile(secretId));
    if (text === undefined) {
      throw new WebhookSecretError(
        secretId,
        'not_found',
        `No webhook URL for secret "${secretId}" here: set ${envName}, or add "${secretId}" to ${this.options.file} (a JSON object of secret names to URLs)`,
      );
    }
    return parseWebhookUrl(secretId, text, true);
  }

  forget(): void {}

  private async fromFile(secretId: string): Promise<string | undefined> {
    try {
      const secrets = JSON.parse(await readFile(this.options.file, 'utf8')) as Record<
        string,
        unknown
      >;
      const value = secrets[secretId];
      return typeof value === 'string' ? value : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new WebhookSecretError(
        secretId,
        'unreadable',
        `Cannot read ${this.options.file}: ${(error as Error).message}; it must be a JSON object of secret names to webhook URLs`,
      );
    }
  }
}
