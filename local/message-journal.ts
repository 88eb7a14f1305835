import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import type { RunMessage } from '../shared/delivery/run-message';
import { silentLogger } from '../shared/logging/silent-logger';
import type { Logger } from '../shared/ports/logger';

/** A message attribute as the journal keeps it: binary values in base64. */
export interface JournaledAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** A message on one of the runtime's queues, from its send until the worker deletes it. */
export interface QueuedEntry {
  readonly kind: 'queued';
  readonly id: number;
  /** The queue's name (its URL changes with fauxqs's port at each start). */
  readonly queue: string;
  readonly body: string;
  readonly attributes?: Readonly<Record<string, JournaledAttribute>>;
  /** When it may be received again (milliseconds since the epoch): a delay, a backoff, a lease. */
  readonly visibleAt?: number;
}

/** A run waiting for its time to be sent to its queue (one-off schedules beyond SQS's delays). */
export interface ScheduledEntry {
  readonly kind: 'scheduled';
  readonly id: number;
  readonly at: string;
  readonly message: RunMessage;
}

export type JournalEntry = QueuedEntry | ScheduledEntry;

type JournalLine =
  | ({ readonly op: 'queued' } & Omit<QueuedEntry, 'kind'>)
  | ({ readonly op: 'scheduled' } & Omit<ScheduledEntry, 'kind'>)
  | { readonly op: 'hold'; readonly id: number; readonly visibleAt: number }
  | { readonly op: 'done'; readonly id: number };

export interface MessageJournalOptions {
  /** Rewrites the file with only what is live once it has this many lines more. @default 10000 */
  readonly compactAfterLines?: number;
  readonly logger?: Logger;
}

const DEFAULT_COMPACT_AFTER_LINES = 10_000;

/**
 * The runtime's write-ahead log of what its queues hold, in one file of JSON lines in the data
 * folder. fauxqs keeps its queues in memory only; every message is written here before it is
 * sent to fauxqs, and marked done once the worker deleted it, so that whatever was accepted
 * survives any stop of the process, `kill -9` included, and is sent again at the next start.
 *
 * Each line is written with one `write(2)` before the call returns: the operating system has it
 * even if the process dies the next instant (not after a power cut: the file is not fsynced).
 * The file is rewritten with only the live entries when it is opened, and once it has grown by
 * `compactAfterLines` lines.
 */
export class MessageJournal {
  private readonly live = new Map<number, JournalEntry>();
  private readonly compactAfterLines: number;
  private readonly logger: Logger;
  private fd: number | undefined;
  private nextId = 1;
  private linesSinceCompaction = 0;

  /** The entries that were live when the journal was opened: to send, or schedule, again. */
  readonly recovered: readonly JournalEntry[];

  private constructor(
    private readonly file: string,
    options: MessageJournalOptions,
  ) {
    this.compactAfterLines = options.compactAfterLines ?? DEFAULT_COMPACT_AFTER_LINES;
    this.logger = options.logger ?? silentLogger;
    this.load();
    this.recovered = [...this.live.values()];
    this.compact();
  }

  /** Reads the journal at `file` (none yet is an empty one) and opens it for appending. */
  static open(file: string, options: MessageJournalOptions = {}): MessageJournal {
    return new MessageJournal(file, options);
  }

  /** Records a message about to be sent to `queue`; answers its id. */
  queued(entry: Omit<QueuedEntry, 'kind' | 'id'>): number {
    const id = this.nextId++;
    this.live.set(id, { kind: 'queued', id, ...entry });
    this.append({ op: 'queued', id, ...entry });
    return id;
  }

  /** Records a run that waits for `at` before it is sent; answers its id. */
  scheduled(entry: Omit<ScheduledEntry, 'kind' | 'id'>): number {
    const id = this.nextId++;
    this.live.set(id, { kind: 'scheduled', id, ...entry });
    this.append({ op: 'scheduled', id, ...entry });
    return id;
  }

  /** Records that a queued message is not to be received before `visibleAt`. */
  hold(id: number, visibleAt: number): void {
    const entry = this.live.get(id);
    // Once closed, the entry stays as it was: sent again sooner, which costs nothing.
    if (entry?.kind !== 'queued' || this.fd === undefined) return;
    this.live.set(id, { ...entry, visibleAt });
    this.append({ op: 'hold', id, visibleAt });
  }

  /** Records that an entry is done with: deleted from its queue, or sent at its time. */
  done(id: number): void {
    // Once closed, the entry stays live: its run is found done when it comes again.
    if (this.fd === undefined || !this.live.delete(id)) return;
    this.append({ op: 'done', id });
    if (this.linesSinceCompaction >= this.compactAfterLines) this.compact();
  }

  /** The live queued entries of a queue. */
  queuedOn(queue: string): QueuedEntry[] {
    return [...this.live.values()].filter(
      (entry): entry is QueuedEntry => entry.kind === 'queued' && entry.queue === queue,
    );
  }

  /** How many entries are live. */
  get size(): number {
    return this.live.size;
  }

  /** Closes the file; what is live stays in it for the next start. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(line: JournalLine): void {
    if (this.fd === undefined) {
      throw new Error(`The message journal ${this.file} is closed; nothing more can be queued`);
    }
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.linesSinceCompaction += 1;
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const lines = text.split('\n');
    // The last line has no newline when a crash (a full disk) cut it short: its send never
    // happened. Any other unreadable line is damage, which costs that one entry, not the rest.
    const cutShort = lines.length - 1;
    lines.forEach((text, index) => {
      if (text === '') return;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        if (index !== cutShort) {
          this.logger.warn('A line of the message journal could not be read; it was skipped', {
            file: this.file,
            line: index + 1,
          });
        }
        return;
      }
      this.nextId = Math.max(this.nextId, line.id + 1);
      switch (line.op) {
        case 'queued': {
          const { op: _op, ...entry } = line;
          this.live.set(line.id, { kind: 'queued', ...entry });
          break;
        }
        case 'scheduled': {
          const { op: _op, ...entry } = line;
          this.live.set(line.id, { kind: 'scheduled', ...entry });
          break;
        }
        case 'hold': {
          const entry = this.live.get(line.id);
          if (entry?.kind === 'queued')
            this.live.set(line.id, { ...entry, visibleAt: line.visibleAt });
          break;
        }
        case 'done':
          this.live.delete(line.id);
          break;
      }
    });
  }

  /** Rewrites the file with the live entries only, atomically, and appends to it from then on. */
  private compact(): void {
    const text = [...this.live.values()]
      .map((entry) => {
        const { kind, ...rest } = entry;
        return `${JSON.stringify({ op: kind, ...rest })}\n`;
      })
      .join('');
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    this.close();
    renameSync(temporary, this.file);
    this.fd = openSync(this.file, 'a');
    this.linesSinceCompaction = 0;
  }
}
