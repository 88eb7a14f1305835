import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebhookSecretError } from '../../../../shared/alerts/notifiers/notifier-errors';
import {
  parseWebhookUrl,
  SecretsManagerWebhookResolver,
  type SecretsManagerWebhookResolverOptions,
} from '../../../../shared/alerts/notifiers/webhook-secrets';

const secrets = mockClient(SecretsManagerClient);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  secrets.restore();
});

afterEach(() => {
  secrets.reset();
});

const SECRET = 'jobs/slack-ops';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';

function createResolver(options: Partial<SecretsManagerWebhookResolverOptions> = {}) {
  return new SecretsManagerWebhookResolver({
    secretsClient: new SecretsManagerClient({ region: 'eu-west-1' }),
    appName: 'billing',
    ...options,
  });
}

function accessDenied(): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: {},
    message:
      'User: arn:aws:sts::123456789012:assumed-role/billing-alerts/fn is not authorized to perform: secretsmanager:GetSecretValue',
  });
}

async function rejection(promise: Promise<unknown>): Promise<WebhookSecretError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WebhookSecretError);
  return error as WebhookSecretError;
}

describe('SecretsManagerWebhookResolver resolve', () => {
  it('reads the URL the secret holds', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: WEBHOOK });

    await expect(createResolver().resolve(SECRET)).resolves.toBe(WEBHOOK);
  });

  it('reads the URL from a secret that holds JSON with a url', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ url: WEBHOOK, owner: 'ops' }) });

    await expect(createResolver().resolve(SECRET)).resolves.toBe(WEBHOOK);
  });

  it('ignores the white space a pasted URL often carries', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `  ${WEBHOOK}\n` });

    await expect(createResolver().resolve(SECRET)).resolves.toBe(WEBHOOK);
  });

  it('accepts an ARN as the secret id', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs/slack-ops-AbCdEf';
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: WEBHOOK });

    await expect(createResolver().resolve(arn)).resolves.toBe(WEBHOOK);
  });
});

describe('SecretsManagerWebhookResolver errors', () => {
  it('says a secret that does not exist does not, and how to create it', async () => {
    secrets.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: {},
      }),
    );

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.problem).toBe('not_found');
    expect(error.secretId).toBe(SECRET);
    expect(error.message).toBe(
      'Secret "jobs/slack-ops" does not exist in this account and region. Create it with the webhook URL as its value, tagged jobs:app=billing, or fix the secret\'s name in the job\'s alert config.',
    );
  });

  it('says access was denied and names the tag the secret needs', async () => {
    secrets.on(GetSecretValueCommand).rejects(accessDenied());

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.problem).toBe('access_denied');
    expect(error.name).toBe('WebhookSecretError');
    expect(error.message).toMatch(/^The alerts function may not read secret "jobs\/slack-ops"/);
    expect(error.message).toContain('It may read only secrets tagged jobs:app=billing');
  });

  it('says a secret that holds no URL does not, without repeating its value', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'xoxb-not-a-url-but-a-token' });

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.problem).toBe('not_a_url');
    expect(error.message).toContain('does not hold a webhook URL: it is not a URL');
    expect(error.message).not.toContain('xoxb');
  });

  it('refuses JSON without a url string', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"webhook": "https://x"}' });

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.message).toContain('it is JSON without a "url" string');
  });

  it('refuses a URL that is not https', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'http://hooks.example.com/x' });

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.message).toContain('its URL is http: rather than https:');
  });

  it('refuses a secret that holds binary data', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    const error = await rejection(createResolver().resolve(SECRET));

    expect(error.problem).toBe('not_a_url');
    expect(error.message).toContain('holds binary data');
  });
});

describe('SecretsManagerWebhookResolver cache', () => {
  it('reads a secret once for alerts sent within the cache time', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });
    const resolver = createResolver();

    await resolver.resolve(SECRET);
    await resolver.resolve(SECRET);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('shares one read between alerts sent at once', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });
    const resolver = createResolver();

    await Promise.all([resolver.resolve(SECRET), resolver.resolve(SECRET)]);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads the secret again once the cache time has passed', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });
    let now = 0;
    const resolver = createResolver({ now: () => now, cacheTtlMs: 60_000 });

    await resolver.resolve(SECRET);
    now = 60_000;
    await resolver.resolve(SECRET);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not keep a failure, so a fixed secret works on the next alert', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(accessDenied())
      .resolves({ SecretString: WEBHOOK });
    const resolver = createResolver();

    await rejection(resolver.resolve(SECRET));

    await expect(resolver.resolve(SECRET)).resolves.toBe(WEBHOOK);
  });

  it('reads a forgotten secret again', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });
    const resolver = createResolver();

    await resolver.resolve(SECRET);
    resolver.forget(SECRET);
    await resolver.resolve(SECRET);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('parseWebhookUrl', () => {
  it('accepts http to this machine only when local http is allowed', () => {
    expect(parseWebhookUrl(SECRET, 'http://127.0.0.1:4000/slack', true)).toBe(
      'http://127.0.0.1:4000/slack',
    );
    expect(parseWebhookUrl(SECRET, 'http://localhost:4000/teams', true)).toBe(
      'http://localhost:4000/teams',
    );
    expect(() => parseWebhookUrl(SECRET, 'http://127.0.0.1:4000/slack')).toThrow(
      WebhookSecretError,
    );
  });

  it('refuses http to any other host even when local http is allowed', () => {
    expect(() => parseWebhookUrl(SECRET, 'http://hooks.example.com/x', true)).toThrow(
      /rather than https:/,
    );
  });
});
