import { describe, expect, it } from 'vitest';
import {
  type AlertConfig,
  alertConfigSchema,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../../../shared/alerts/alert-config';
import { AlertConfigError } from '../../../shared/errors';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';

const SLACK_ON_FAILURE = alertConfigSchema.parse({ slackWebhookSecret: 'alerts/slack' });
const EMAIL_ON_SUCCESS = alertConfigSchema.parse({
  onSuccess: true,
  emailRecipients: ['ops@example.com'],
});

describe('InMemoryAlertConfigStore', () => {
  it('applies no alert config when there is neither a job entry nor a default', async () => {
    const store = new InMemoryAlertConfigStore();

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: NO_ALERT_CONFIG, source: 'none' });
  });

  it('applies the default to a job without its own entry', async () => {
    const store = new InMemoryAlertConfigStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
  });

  it("prefers the job's own entry to the default", async () => {
    const store = new InMemoryAlertConfigStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    const effective = await store.get('daily-report');

    expect(effective).toEqual({ config: EMAIL_ON_SUCCESS, source: 'job' });
  });

  it('falls back to the default once the job entry is removed', async () => {
    const store = new InMemoryAlertConfigStore();
    await store.put(DEFAULT_ALERT_CONFIG_KEY, SLACK_ON_FAILURE);
    await store.put('daily-report', EMAIL_ON_SUCCESS);

    await store.remove('daily-report');

    expect(await store.get('daily-report')).toEqual({
      config: SLACK_ON_FAILURE,
      source: 'default',
    });
  });

  it('reports the default as the default when asked for it by its key', async () => {
    const store = new InMemoryAlertConfigStore({ [DEFAULT_ALERT_CONFIG_KEY]: SLACK_ON_FAILURE });

    const effective = await store.get(DEFAULT_ALERT_CONFIG_KEY);

    expect(effective).toEqual({ config: SLACK_ON_FAILURE, source: 'default' });
  });

  it("returns only the job's own entry from getOwn", async () => {
    const store = new InMemoryAlertConfigStore({ [DEFAULT_ALERT_CONFIG_KEY]: SLACK_ON_FAILURE });

    const own = await store.getOwn('daily-report');

    expect(own).toBeUndefined();
  });

  it('fills in defaults for the entries it starts with', async () => {
    const store = new InMemoryAlertConfigStore({ 'daily-report': { onSuccess: true } });

    const own = await store.getOwn('daily-report');

    expect(own).toEqual({ ...NO_ALERT_CONFIG, onSuccess: true });
  });

  it('keeps its entry when a caller changes the config it was given', async () => {
    const store = new InMemoryAlertConfigStore({ 'daily-report': EMAIL_ON_SUCCESS });

    const own = await store.getOwn('daily-report');
    own?.emailRecipients.push('intruder@example.com');

    expect(await store.getOwn('daily-report')).toEqual(EMAIL_ON_SUCCESS);
  });

  it('rejects an invalid config with every field at fault, keeping the old entry', async () => {
    const store = new InMemoryAlertConfigStore({ 'daily-report': EMAIL_ON_SUCCESS });
    const invalid = { ...NO_ALERT_CONFIG, maxAlertsPerHour: -1, maxAlerts: 3 } as AlertConfig;

    const putting = store.put('daily-report', invalid);

    await expect(putting).rejects.toThrow(AlertConfigError);
    await expect(putting).rejects.toMatchObject({
      issues: [
        { field: 'maxAlertsPerHour', message: 'must be at least 1, got -1' },
        {
          field: 'maxAlerts',
          message: 'is not an alert config field; did you mean "maxAlertsPerHour"?',
        },
      ],
    });
    expect(await store.getOwn('daily-report')).toEqual(EMAIL_ON_SUCCESS);
  });

  it('names the job and each field in the error message', async () => {
    const store = new InMemoryAlertConfigStore();
    const invalid = { ...NO_ALERT_CONFIG, emailRecipients: ['ops'] } as AlertConfig;

    const putting = store.put('daily-report', invalid);

    await expect(putting).rejects.toThrow(
      'Invalid alert config for "daily-report"; nothing was saved:\n' +
        '  - emailRecipients.0: must be an email address, got "ops"',
    );
  });

  it('rejects an invalid entry it is asked to start with', () => {
    const create = () =>
      new InMemoryAlertConfigStore({
        'daily-report': { slackWebhookSecret: 'https://hooks.slack.com/x' },
      });

    expect(create).toThrow(AlertConfigError);
  });
});
