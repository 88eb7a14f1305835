import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookSecretError } from './notifier-errors';

/** Where a notifier finds the webhook URL that a target names by its secret. */
export interface WebhookUrlResolver {
  /** The URL held by the secret `secretId` (a name or an ARN). Throws `WebhookSecretError`. */
  resolve(secretId: string): Promise<string>;
  /** Drops what is known of `secretId`, so that the next `resolve` reads it again. */
  forget(secretId: string): void;
}

export interface SecretsManagerWebhookResolverOptions {
  readonly secretsClient: SecretsManagerClient;
  /** How long a URL read from a secret is used before it is read again. @default 300000 (5 min) */
  readonly cacheTtlMs?: number;
  /**
   * The app's name, which the alerts function's role needs as the `jobs:app` tag of every
   * secret it reads; named in the error that access was denied.
   * @default - the error says `<app name>`
   */
  readonly appName?: string;
  /**
   * Accept `http:` URLs to `localhost`, `127.0.0.1` and `[::1]`, for tests and the local
   * runtime. Any other `http:` URL is refused whatever this says.
   * @default false
   */
  readonly allowLocalHttp?: boolean;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The tag that lets the alerts function read a secret (see the infra's alerts role). */
export const WEBHOOK_SECRET_APP_TAG = 'jobs:app';

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads Slack and Teams webhook URLs from Secrets Manager. A secret holds the URL itself, or JSON
 * `{ "url": "https://..." }`. URLs are kept per container for `cacheTtlMs`, so that a burst of
 * alerts reads each secret once; failures are not kept, so a fixed secret works on the next
 * alert.
 */
export class SecretsManagerWebhookResolver implements WebhookUrlResolver {
  private readonly options: SecretsManagerWebhookResolverOptions;
  private readonly cache = new Map<string, { url: Promise<string>; expiresAt: number }>();

  constructor(options: SecretsManagerWebhookResolverOptions) {
    this.options = options;
  }

  resolve(secretId: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(secretId);
    if (cached && cached.expiresAt > now) return cached.url;
    // The promise is cached, not the URL, so that alerts sent at once share one read.
    const url = this.read(secretId);
    this.cache.set(secretId, {
      url,
      expiresAt: now + (this.options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS),
    });
    url.catch(() => {
      if (this.cache.get(secretId)?.url === url) this.cache.delete(secretId);
    });
    return url;
  }

  forget(secretId: string): void {
    this.cache.delete(secretId);
  }

  private async read(secretId: string): Promise<string> {
    let secretString: string | undefined;
    try {
      const output = await this.options.secretsClient.send(
        new GetSecretValueCommand({ SecretId: secretId }),
      );
      secretString = output.SecretString;
    } catch (error) {
      throw this.explain(secretId, error);
    }
    if (secretString === undefined) {
      throw new WebhookSecretError(
        secretId,
        'not_a_url',
        `Secret "${secretId}" holds binary data, not a webhook URL. Store the URL as the secret's text (SecretString), or as JSON {"url": "https://..."}.`,
      );
    }
    return parseWebhookUrl(secretId, secretString, this.options.allowLocalHttp ?? false);
  }

  private explain(secretId: string, error: unknown): WebhookSecretError {
    const name = error instanceof Error ? error.name : undefined;
    const detail = error instanceof Error ? error.message : String(error);
    const tag = `${WEBHOOK_SECRET_APP_TAG}=${this.options.appName ?? '<app name>'}`;
    switch (name) {
      case 'ResourceNotFoundException':
        return new WebhookSecretError(
          secretId,
          'not_found',
          `Secret "${secretId}" does not exist in this account and region. Create it with the webhook URL as its value, tagged ${tag}, or fix the secret's name in the job's alert config.`,
          { cause: error },
        );
      case 'AccessDeniedException':
        return new WebhookSecretError(
          secretId,
          'access_denied',
          `The alerts function may not read secret "${secretId}" (${detail}). It may read only secrets tagged ${tag}: add that tag to the secret. (A secret that does not exist is reported this way too.)`,
          { cause: error },
        );
      case 'DecryptionFailure':
        return new WebhookSecretError(
          secretId,
          'access_denied',
          `Secret "${secretId}" could not be decrypted (${detail}). If it uses a customer-managed KMS key, allow the alerts function's role kms:Decrypt on that key.`,
          { cause: error },
        );
      case 'InvalidRequestException':
        return new WebhookSecretError(
          secretId,
          'unreadable',
          `Secret "${secretId}" cannot be read now (${detail}); a secret scheduled for deletion cannot be read until it is restored.`,
          { cause: error },
        );
      default:
        return new WebhookSecretError(
          secretId,
          'unreadable',
          `Could not read secret "${secretId}": ${name ? `${name}: ` : ''}${detail}`,
          { cause: error },
        );
    }
  }
}

/**
 * The webhook URL in a secret's text: the URL itself, or JSON `{ "url": "..." }`. Must be an
 * `https:` URL (or, when `allowLocalHttp`, an `http:` one to this machine). The secret's value is
 * never repeated in the error, since it is a credential.
 */
export function parseWebhookUrl(
  secretId: string,
  secretString: string,
  allowLocalHttp = false,
): string {
  const text = secretString.trim();
  let candidate: unknown = text;
  if (text.startsWith('{')) {
    try {
      candidate = (JSON.parse(text) as { url?: unknown }).url;
    } catch {
      candidate = undefined;
    }
    if (typeof candidate !== 'string') {
      throw notAUrl(secretId, 'it is JSON without a "url" string');
    }
    candidate = candidate.trim();
  }
  let url: URL;
  try {
    url = new URL(candidate as string);
  } catch {
    throw notAUrl(secretId, 'it is not a URL');
  }
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && allowLocalHttp && LOCAL_HOSTS.has(url.hostname)) return url.href;
  throw notAUrl(secretId, `its URL is ${url.protocol} rather than https:`);
}

function notAUrl(secretId: string, why: string): WebhookSecretError {
  return new WebhookSecretError(
    secretId,
    'not_a_url',
    `Secret "${secretId}" does not hold a webhook URL: ${why}. Its value must be the https:// URL of the Slack or Teams webhook, or JSON {"url": "https://..."}.`,
  );
}
