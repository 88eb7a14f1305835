import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalOneOffScheduler } from '../../../local/local-one-off-scheduler';
import { MessageJournal, type ScheduledEntry } from '../../../local/message-journal';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { RunMessage } from '../../../shared/delivery/run-message';
import { silentLogger } from '../../../shared/logging/silent-logger';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function journalFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'one-off-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'queue-journal.jsonl');
}

function open(file: string): MessageJournal {
  const journal = MessageJournal.open(file);
  cleanups.push(() => journal.close());
  return journal;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LocalOneOffScheduler with a journal', () => {
  it('keeps a run waiting for its time in the journal from the moment it is scheduled', async () => {
    const file = await journalFile();
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const scheduler = new LocalOneOffScheduler(clock, async () => {}, silentLogger, open(file));

    await scheduler.schedule({
      request: { jobName: 'report', trigger: 'enqueue', runId: 'later-1' },
      at: new Date('2026-01-01T02:00:00Z'),
    });

    // As after kill -9: the scheduler is never stopped, the journal never closed.
    expect(open(file).recovered).toEqual([
      {
        kind: 'scheduled',
        id: 1,
        at: '2026-01-01T02:00:00.000Z',
        message: { job: 'report', trigger: 'enqueue', runId: 'later-1' },
      },
    ]);
  });

  it('marks the wait done once its run was sent, and not before', async () => {
    const file = await journalFile();
    const journal = open(file);
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const sent: RunMessage[] = [];
    let sending: Promise<void> = Promise.resolve();
    let finishSend = () => {};
    const scheduler = new LocalOneOffScheduler(
      clock,
      (message) => {
        sent.push(message);
        sending = new Promise((resolve) => (finishSend = resolve));
        return sending;
      },
      silentLogger,
      journal,
    );
    await scheduler.schedule({
      request: { jobName: 'report', trigger: 'enqueue', runId: 'later-1' },
      at: new Date('2026-01-01T02:00:00Z'),
    });

    clock.advance(2 * 60 * 60 * 1000);
    const whileSending = journal.size;
    finishSend();
    await sending;
    await settle();

    expect(sent).toEqual([{ job: 'report', trigger: 'enqueue', runId: 'later-1' }]);
    expect(whileSending).toBe(1);
    expect(journal.size).toBe(0);
  });

  it('restores recovered waits under their journal entries, and journals waits from a file of before', async () => {
    const file = await journalFile();
    const first = open(file);
    const id = first.scheduled({ at: '2026-01-01T02:00:00.000Z', message: { job: 'a' } });
    first.close();
    const journal = open(file);
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const sent: RunMessage[] = [];
    const scheduler = new LocalOneOffScheduler(
      clock,
      async (message) => {
        sent.push(message);
      },
      silentLogger,
      journal,
    );

    const recovered = journal.recovered as ScheduledEntry[];
    scheduler.restore(recovered.map(({ id, at, message }) => ({ id, at, message })));
    scheduler.restore([{ at: '2026-01-01T03:00:00.000Z', message: { job: 'b' } }]);
    const waiting = journal.size;
    clock.advance(3 * 60 * 60 * 1000);
    await settle();

    expect(recovered.map((entry) => entry.id)).toEqual([id]);
    expect(waiting).toBe(2);
    expect(sent).toEqual([{ job: 'a' }, { job: 'b' }]);
    expect(journal.size).toBe(0);
  });
});
