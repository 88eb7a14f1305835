import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, lockDataFolder } from '../../../local/data-folder-lock';
import { eventually } from '../../support/eventually';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'data-folder-lock-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A process that stays alive until the test ends. */
function liveProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  return child;
}

/** The PID of a process that has ended. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 0;
}

function take(dir: string) {
  const lock = lockDataFolder(dir);
  cleanups.push(() => lock.release());
  return lock;
}

async function writeLock(dir: string, holder: Record<string, unknown>) {
  await writeFile(
    join(dir, 'runtime.lock'),
    JSON.stringify({ startedAt: '2026-01-01T00:00:00.000Z', token: 'other', ...holder }),
  );
}

function refusal(run: () => unknown): DataFolderInUseError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataFolderInUseError) return error;
    throw error;
  }
  throw new Error('the lock was taken');
}

describe('lockDataFolder', () => {
  it('refuses a second runtime on the folder, naming the PID and port of the one that has it', async () => {
    const dir = await dataDir();
    take(dir).listening({ port: 4123, url: 'http://localhost:4123' });

    const error = refusal(() => lockDataFolder(dir));

    expect(error.message).toContain(`PID ${process.pid}`);
    expect(error.message).toContain('http://localhost:4123 (port 4123)');
    expect(error.message).toContain(dir);
  });

  it('refuses while another live process holds the folder', async () => {
    const dir = await dataDir();
    const other = liveProcess();
    await writeLock(dir, { pid: other.pid, port: 3000, url: 'http://localhost:3000' });

    const error = refusal(() => lockDataFolder(dir));

    expect(error.holder).toMatchObject({ pid: other.pid, port: 3000 });
    expect(error.message).toContain(`PID ${other.pid}, serving http://localhost:3000 (port 3000)`);
  });

  it('says a runtime that has not served yet is still starting', async () => {
    const dir = await dataDir();
    const other = liveProcess();
    await writeLock(dir, { pid: other.pid });

    expect(refusal(() => lockDataFolder(dir)).message).toContain('still starting (no port yet)');
  });

  it('takes over the lock of a process that is gone (kill -9, a crash)', async () => {
    const dir = await dataDir();
    await writeLock(dir, { pid: await endedPid(), port: 3000 });

    take(dir);

    expect(JSON.parse(await readFile(join(dir, 'runtime.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
  });

  it('takes over the lock of an earlier process that had this PID', async () => {
    const dir = await dataDir();
    await writeLock(dir, { pid: process.pid, port: 3000 });

    take(dir);

    expect(JSON.parse(await readFile(join(dir, 'runtime.lock'), 'utf8')).token).not.toBe('other');
  });

  it.runIf(existsSync('/proc/self/stat'))(
    'takes over the lock of a PID that another process has since (its start time differs)',
    async () => {
      const dir = await dataDir();
      const other = liveProcess();
      await writeLock(dir, { pid: other.pid, processStart: '1' });

      take(dir);

      expect(JSON.parse(await readFile(join(dir, 'runtime.lock'), 'utf8'))).toMatchObject({
        pid: process.pid,
      });
    },
  );

  it.runIf(existsSync('/proc/self/stat'))(
    'takes over the lock of a killed process that no one has reaped yet (a zombie)',
    async () => {
      const dir = await dataDir();
      // The child ends only after its shell has become `sleep`, which never waits for it: a
      // zombie. (A child that ended at once could be reaped by the shell before its exec.)
      const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      cleanups.push(() => parent.kill('SIGKILL'));
      const zombie = Number(
        await new Promise<string>((resolve) =>
          parent.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString())),
        ),
      );
      await eventually(
        async () => (await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]?.[0],
        (state) => state === 'Z',
      );
      await writeLock(dir, { pid: zombie, port: 3000 });

      take(dir);

      expect(JSON.parse(await readFile(join(dir, 'runtime.lock'), 'utf8'))).toMatchObject({
        pid: process.pid,
      });
    },
  );

  it('gives the folder up when released, for the next start', async () => {
    const dir = await dataDir();
    take(dir).release();

    expect(existsSync(join(dir, 'runtime.lock'))).toBe(false);
    expect(() => take(dir)).not.toThrow();
  });
});
