import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertEmail } from '../../../../shared/alerts/notifiers/email-notifier';
import {
  type OutboxEmail,
  OutboxEmailNotifier,
} from '../../../../shared/alerts/notifiers/outbox-email-notifier';
import { MemoryLogger } from '../../../../shared/logging/memory-logger';
import { failedAlert, succeededAlert } from './alert-fixtures';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = { channel: 'email', recipients: ['ops@example.com', 'lead@example.com'] } as const;

function createNotifier(logger = new MemoryLogger(), file = join(dir, '.data', 'outbox.jsonl')) {
  return new OutboxEmailNotifier({
    logger,
    file,
    now: () => new Date('2026-06-01T02:00:13.000Z'),
  });
}

async function outbox(file = join(dir, '.data', 'outbox.jsonl')): Promise<OutboxEmail[]> {
  const text = await readFile(file, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OutboxEmail);
}

describe('OutboxEmailNotifier', () => {
  it('appends the email it would send as one JSON line, creating the folder', async () => {
    const delivery = await createNotifier().notify(failedAlert(), target);

    expect(delivery).toEqual({ channel: 'email', delivered: true, tries: 1 });
    expect(await outbox()).toEqual([
      {
        at: '2026-06-01T02:00:13.000Z',
        from: 'jobs@localhost',
        to: ['ops@example.com', 'lead@example.com'],
        subject: 'daily-report failed (attempt 3 of 3)',
        text: alertEmail(failedAlert()).text,
        jobName: 'daily-report',
        runId: '01JZ3K8Q9V6T2M4N5P7R8S9T0V',
      },
    ]);
  });

  it('keeps every email, oldest first', async () => {
    const notifier = createNotifier();

    await notifier.notify(failedAlert(), target);
    await notifier.notify(succeededAlert(), target);

    expect((await outbox()).map((email) => email.subject)).toEqual([
      'daily-report failed (attempt 3 of 3)',
      'daily-report succeeded',
    ]);
  });

  it('logs one line saying who would get what, and where it was written', async () => {
    const logger = new MemoryLogger();

    await createNotifier(logger).notify(failedAlert(), target);

    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]?.message).toBe(
      `Email "daily-report failed (attempt 3 of 3)" to ops@example.com, lead@example.com (not sent: written to ${join(dir, '.data', 'outbox.jsonl')})`,
    );
  });

  it('reports an outbox it cannot write as not delivered, without throwing', async () => {
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file where a folder should be');

    const delivery = await createNotifier(new MemoryLogger(), join(blocker, 'outbox.jsonl')).notify(
      failedAlert(),
      target,
    );

    expect(delivery).toMatchObject({ channel: 'email', delivered: false, tries: 1 });
    expect(delivery.error).toMatch(/^Could not write to the outbox /);
  });
});
