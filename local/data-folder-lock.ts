import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobsError } from '../shared/errors';

const LOCK_FILE = 'runtime.lock';

/** What the lock file says about the runtime that holds a data folder. */
export interface DataFolderHolder {
  readonly pid: number;
  /** The process's start time as the kernel counts it, where it can be read (Linux). */
  readonly processStart?: string;
  readonly startedAt: string;
  /** Once its server listens. */
  readonly port?: number;
  readonly url?: string;
  readonly token: string;
}

/** Another runtime, alive, holds the data folder. */
export class DataFolderInUseError extends JobsError {
  override readonly name = 'DataFolderInUseError';

  constructor(
    readonly dataDir: string,
    readonly holder: DataFolderHolder,
  ) {
    const where =
      holder.url !== undefined
        ? `serving ${holder.url} (port ${holder.port})`
        : 'still starting (no port yet)';
    super(
      `Another npm run dev already runs on the data folder ${dataDir}: PID ${holder.pid}, ${where}, started ${holder.startedAt}. Two runtimes cannot share one folder's tables and queues. Stop that one first (Ctrl+C in its terminal, or kill ${holder.pid}), or give this one a folder of its own with JOBS_DATA_DIR.`,
    );
  }
}

export interface DataFolderLock {
  /** Adds where its server listens, for a second start to name. */
  listening(where: { readonly port: number; readonly url: string }): void;
  /** Gives the folder up (only if the lock is still this one's). */
  release(): void;
}

// Held by this process: a lock file naming this PID is stale unless it is in here (a process
// of an earlier boot or container may have had the same PID).
const heldHere = new Set<string>();

/**
 * Takes the data folder for this runtime, or throws DataFolderInUseError naming the runtime
 * that has it. The lock is a file created atomically (link(2) fails if it exists) with the
 * holder's PID; a lock whose process is gone (`kill -9`, a crash) is stale and taken over. On
 * Linux the holder's start time is compared as well, so that a PID reused by another process
 * does not keep the folder locked.
 */
export function lockDataFolder(dataDir: string): DataFolderLock {
  const file = join(dataDir, LOCK_FILE);
  if (heldHere.has(file)) {
    throw new DataFolderInUseError(dataDir, readHolder(file) ?? ownHolder(randomUUID()));
  }
  let holder = ownHolder(randomUUID());
  // Twice at most: once more after removing a stale lock.
  for (let tries = 0; ; tries++) {
    const temporary = `${file}.${holder.token}.tmp`;
    writeFileSync(temporary, JSON.stringify(holder));
    try {
      linkSync(temporary, file);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readHolder(file);
      if (current && isAlive(current)) throw new DataFolderInUseError(dataDir, current);
      if (tries > 0) throw error;
      rmSync(file, { force: true });
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  heldHere.add(file);

  const isOurs = () => readHolder(file)?.token === holder.token;
  return {
    listening({ port, url }) {
      if (!isOurs()) return;
      holder = { ...holder, port, url };
      const temporary = `${file}.${holder.token}.tmp`;
      writeFileSync(temporary, JSON.stringify(holder));
      renameSync(temporary, file);
    },
    release() {
      if (!heldHere.delete(file)) return;
      if (isOurs()) rmSync(file, { force: true });
    },
  };
}

function ownHolder(token: string): DataFolderHolder {
  const processStart = procStatOf(process.pid)?.start;
  return {
    pid: process.pid,
    ...(processStart !== undefined ? { processStart } : {}),
    startedAt: new Date().toISOString(),
    token,
  };
}

function readHolder(file: string): DataFolderHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as DataFolderHolder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    // Gone, or not a lock this code wrote: no one to name, so not a holder.
    return undefined;
  }
}

function isAlive(holder: DataFolderHolder): boolean {
  if (holder.pid === process.pid) return false; // this process holds nothing there (heldHere)
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, another user's.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStatOf(holder.pid);
  // A zombie (killed, its parent gone, not yet reaped: common in a container whose first
  // process does not reap) answers kill(pid, 0) but holds no files and no port.
  if (stat !== undefined && (stat.state === 'Z' || stat.state === 'X')) return false;
  if (holder.processStart === undefined) return true;
  return stat === undefined || stat.start === holder.processStart;
}

/**
 * The process's state (field 3 of /proc/<pid>/stat) and start time in clock ticks since boot
 * (field 22), on Linux.
 */
function procStatOf(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}
