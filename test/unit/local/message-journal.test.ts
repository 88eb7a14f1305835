import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageJournal } from '../../../local/message-journal';
import { MemoryLogger } from '../../../shared/logging/memory-logger';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function journalFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'message-journal-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'queue-journal.jsonl');
}

function open(file: string, options: Parameters<typeof MessageJournal.open>[1] = {}) {
  const journal = MessageJournal.open(file, options);
  cleanups.push(() => journal.close());
  return journal;
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('MessageJournal', () => {
  it('recovers what was queued and not done, as soon as it was written, without a close', async () => {
    const file = await journalFile();
    const journal = open(file);
    const first = journal.queued({ queue: 'jobs_a', body: '{"job":"a","runId":"1"}' });
    journal.queued({ queue: 'jobs_a', body: '{"job":"a","runId":"2"}' });
    journal.done(first);

    // As after kill -9: the first journal is never closed.
    const reopened = open(file);

    expect(reopened.recovered).toEqual([
      { kind: 'queued', id: 2, queue: 'jobs_a', body: '{"job":"a","runId":"2"}' },
    ]);
  });

  it('keeps a message held back by a visibility change, and the attributes it was sent with', async () => {
    const file = await journalFile();
    const journal = open(file);
    const id = journal.queued({
      queue: 'jobs_a_dlq',
      body: '{"job":"a"}',
      attributes: { jobsRunId: { DataType: 'String', StringValue: 'r1' } },
      visibleAt: 1_000,
    });
    journal.hold(id, 5_000);

    expect(open(file).recovered).toEqual([
      {
        kind: 'queued',
        id,
        queue: 'jobs_a_dlq',
        body: '{"job":"a"}',
        attributes: { jobsRunId: { DataType: 'String', StringValue: 'r1' } },
        visibleAt: 5_000,
      },
    ]);
  });

  it('recovers runs waiting for their time until they were sent', async () => {
    const file = await journalFile();
    const journal = open(file);
    const sent = journal.scheduled({ at: '2026-01-01T00:00:00.000Z', message: { job: 'a' } });
    journal.scheduled({ at: '2027-01-01T00:00:00.000Z', message: { job: 'b', runId: 'later' } });
    journal.done(sent);

    expect(open(file).recovered).toEqual([
      {
        kind: 'scheduled',
        id: 2,
        at: '2027-01-01T00:00:00.000Z',
        message: { job: 'b', runId: 'later' },
      },
    ]);
  });

  it('rewrites the file with only what is live when it opens, and numbers on after the last id', async () => {
    const file = await journalFile();
    const journal = open(file);
    for (let index = 0; index < 5; index++) {
      journal.done(journal.queued({ queue: 'jobs_a', body: `{"n":${index}}` }));
    }
    journal.queued({ queue: 'jobs_a', body: '{"n":5}' });
    journal.close();

    const reopened = open(file);
    const next = reopened.queued({ queue: 'jobs_a', body: '{"n":6}' });

    expect(next).toBe(7);
    expect((await lines(file)).map((line) => JSON.parse(line).id)).toEqual([6, 7]);
  });

  it('compacts itself once it has grown by the given number of lines, keeping what is live', async () => {
    const file = await journalFile();
    const journal = open(file, { compactAfterLines: 10 });
    const kept = journal.queued({ queue: 'jobs_a', body: '{"kept":true}' });
    for (let index = 0; index < 20; index++) {
      journal.done(journal.queued({ queue: 'jobs_a', body: `{"n":${index}}` }));
    }

    expect((await lines(file)).length).toBeLessThan(10);
    expect(open(file).recovered.map((entry) => entry.id)).toEqual([kept]);
  });

  it('skips a last line a crash cut short, silently, and says which other line it could not read', async () => {
    const file = await journalFile();
    const journal = open(file);
    journal.queued({ queue: 'jobs_a', body: '{"n":1}' });
    journal.close();
    await appendFile(
      file,
      'not json\n{"op":"queued","id":2,"queue":"jobs_a","body":"{}"}\n{"op":"que',
    );
    const logger = new MemoryLogger();

    const reopened = open(file, { logger });

    expect(reopened.recovered.map((entry) => entry.id)).toEqual([1, 2]);
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'A line of the message journal could not be read; it was skipped',
        attributes: expect.objectContaining({ line: 2 }),
      }),
    ]);
  });
});
