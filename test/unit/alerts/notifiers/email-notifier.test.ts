import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  alertEmail,
  recipientBatches,
  SesEmailNotifier,
} from '../../../../shared/alerts/notifiers/email-notifier';
import { NotifierConfigError } from '../../../../shared/alerts/notifiers/notifier-errors';
import { failedAlert } from './alert-fixtures';

const ses = mockClient(SESv2Client);

// Unit test files share a worker (isolate: false, vitest.config.ts): the next file gets real clients.
afterAll(() => {
  ses.restore();
});

afterEach(() => {
  ses.reset();
});

const FROM = 'Jobs <alerts@example.com>';

function createNotifier(options: { configurationSetName?: string } = {}) {
  return new SesEmailNotifier({
    sesClient: new SESv2Client({ region: 'eu-west-1' }),
    fromAddress: FROM,
    ...options,
  });
}

function emailTo(...recipients: string[]) {
  return { channel: 'email', recipients } as const;
}

function sentInputs() {
  return ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
}

function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `person${index}@example.com`);
}

describe('SesEmailNotifier', () => {
  it('sends one plain-text email to every recipient, from the configured sender', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: { attempts: 1 } });

    const delivery = await createNotifier().notify(
      failedAlert(),
      emailTo('ops@example.com', 'lead@example.com'),
    );

    expect(delivery).toEqual({ channel: 'email', delivered: true, tries: 1 });
    expect(sentInputs()).toEqual([
      {
        FromEmailAddress: FROM,
        Destination: { ToAddresses: ['ops@example.com', 'lead@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'daily-report failed (attempt 3 of 3)', Charset: 'UTF-8' },
            Body: { Text: { Data: alertEmail(failedAlert()).text, Charset: 'UTF-8' } },
          },
        },
        EmailTags: [{ Name: 'job', Value: 'daily-report' }],
      },
    ]);
  });

  it('writes the facts, the error and where to see the run in the body', () => {
    const { text } = alertEmail(failedAlert());

    expect(text).toContain('Attempt:   3 of 3');
    expect(text).toContain(
      "Error: TypeError: Cannot read properties of undefined (reading 'total')",
    );
    expect(text).toContain('From a terminal: npx jobctl history daily-report');
  });

  it('sends to more than 50 recipients in batches of 50', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: {} });

    const delivery = await createNotifier().notify(failedAlert(), emailTo(...addresses(120)));

    expect(delivery.delivered).toBe(true);
    expect(sentInputs().map((input) => input.Destination?.ToAddresses?.length)).toEqual([
      50, 50, 20,
    ]);
  });

  it('sends once to an address given twice', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: {} });

    await createNotifier().notify(failedAlert(), emailTo('ops@example.com', 'OPS@example.com '));

    expect(sentInputs()[0]?.Destination?.ToAddresses).toEqual(['ops@example.com']);
  });

  it('names the configuration set when one is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: {} });

    await createNotifier({ configurationSetName: 'jobs-alerts' }).notify(
      failedAlert(),
      emailTo('ops@example.com'),
    );

    expect(sentInputs()[0]?.ConfigurationSetName).toBe('jobs-alerts');
  });

  it('reports the attempts the SDK made', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1', $metadata: { attempts: 2 } });

    const delivery = await createNotifier().notify(failedAlert(), emailTo('ops@example.com'));

    expect(delivery.tries).toBe(2);
  });

  it('explains a rejection by the SES sandbox, without throwing', async () => {
    ses.on(SendEmailCommand).rejects(
      new MessageRejected({
        message:
          'Email address is not verified. The following identities failed the check: ops@example.com',
        $metadata: { attempts: 1 },
      }),
    );

    const delivery = await createNotifier().notify(failedAlert(), emailTo('ops@example.com'));

    expect(delivery).toMatchObject({ channel: 'email', delivered: false, tries: 1 });
    expect(delivery.error).toMatch(/^SES rejected the email: Email address is not verified\./);
    expect(delivery.error).toContain(
      'In the SES sandbox every recipient must be a verified identity',
    );
  });

  it('reports throttling that outlasted the SDK retries with the attempts made', async () => {
    ses.on(SendEmailCommand).rejects(
      new TooManyRequestsException({
        message: 'Maximum sending rate exceeded.',
        $metadata: { attempts: 3 },
      }),
    );

    const delivery = await createNotifier().notify(failedAlert(), emailTo('ops@example.com'));

    expect(delivery).toEqual({
      channel: 'email',
      delivered: false,
      tries: 3,
      error: 'TooManyRequestsException: Maximum sending rate exceeded.',
    });
  });

  it('still sends the other batches when one fails, and says which failed', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'slow down', $metadata: {} }))
      .resolves({ MessageId: 'm-2', $metadata: {} });

    const delivery = await createNotifier().notify(failedAlert(), emailTo(...addresses(60)));

    expect(sentInputs()).toHaveLength(2);
    expect(delivery.delivered).toBe(false);
    expect(delivery.error).toBe(
      'TooManyRequestsException: slow down (to 50 of the recipients, person0@example.com...)',
    );
  });

  it('reports an alert without recipients as not delivered, sending nothing', async () => {
    const delivery = await createNotifier().notify(failedAlert(), emailTo(' '));

    expect(delivery).toEqual({
      channel: 'email',
      delivered: false,
      tries: 0,
      error: 'The alert has no recipients',
    });
    expect(sentInputs()).toEqual([]);
  });

  it('refuses a sender that is not an email address', () => {
    expect(
      () =>
        new SesEmailNotifier({
          sesClient: new SESv2Client({ region: 'eu-west-1' }),
          fromAddress: 'alerts',
        }),
    ).toThrow(NotifierConfigError);
  });
});

describe('recipientBatches', () => {
  it('splits recipients into groups of the size given', () => {
    expect(recipientBatches(['a@x.io', 'b@x.io', 'c@x.io'], 2)).toEqual([
      ['a@x.io', 'b@x.io'],
      ['c@x.io'],
    ]);
  });
});
