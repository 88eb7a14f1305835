import { describe, expect, it } from 'vitest';
import { type AlertConfig, NO_ALERT_CONFIG } from '../../../shared/alerts/alert-config';
import { AlertConfigError } from '../../../shared/errors';
import { InMemoryAlertConfigStore } from '../../../shared/stores/in-memory-alert-config-store';

describe('InMemoryAlertConfigStore', () => {
  it('fills in defaults for the entries it starts with', async () => {
    const store = new InMemoryAlertConfigStore({ 'daily-report': { onSuccess: true } });

    const own = await store.getOwn('daily-report');

    expect(own).toEqual({ ...NO_ALERT_CONFIG, onSuccess: true });
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
