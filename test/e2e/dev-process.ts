import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterEach } from 'vitest';

/** The repository: `npm run dev` runs here, and fixture projects below it resolve "#shared". */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
// Inside the repository (git-ignored), so that the job files' "#shared" resolves.
const PROJECTS_DIR = join(REPO_ROOT, '.cache', 'test-projects');

/** A throwaway project with its own job files and data folder. */
export interface DevProject {
  readonly root: string;
  readonly dataDir: string;
  writeJob(name: string, source: string): Promise<void>;
  remove(): Promise<void>;
}

export async function devProject(): Promise<DevProject> {
  await mkdir(PROJECTS_DIR, { recursive: true });
  const root = await mkdtemp(join(PROJECTS_DIR, 'dev-'));
  return {
    root,
    dataDir: join(root, '.data'),
    writeJob: async (name, source) => {
      const file = join(root, 'functions', 'jobs', `${name}.job.ts`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, source);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * `npm run dev` as a person starts it from a terminal: npm, its script shell and node, in a
 * process group of their own, which is what the terminal signals on Ctrl+C.
 */
export class DevProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  constructor(project: DevProject, env: Record<string, string> = {}) {
    this.child = spawn('npm', ['run', '--silent', 'dev'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        JOBS_PROJECT_ROOT: project.root,
        JOBS_DATA_DIR: project.dataDir,
        PORT: '0',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        NO_COLOR: '1',
        ...env,
      },
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk;
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((done) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        done(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The API's URL once it printed it; rejects if the process ends or is too slow first. */
  async url(timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const url = /the API and dashboard are on (http:\/\/\S+)/.exec(this.stdout)?.[1];
      if (url) return url;
      if (!this.running) {
        throw new Error(`npm run dev ended before it served: ${this.describe()}`);
      }
      if (Date.now() > deadline) throw new Error(`npm run dev did not serve: ${this.describe()}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** Sends `signal` to the whole process group, as a terminal does. */
  signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined || !this.running) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /**
   * Kills every process of the group and waits for each to end (npm first, node after it,
   * which may stay a zombie when nothing reaps it); safe to call twice.
   */
  async kill(): Promise<Exit> {
    this.signalGroup('SIGKILL');
    const exit = await this.exited;
    const pgid = this.child.pid;
    for (let waited = 0; pgid !== undefined && groupRunning(pgid) && waited < 5_000; waited += 20) {
      await new Promise((done) => setTimeout(done, 20));
    }
    return exit;
  }

  describe(): string {
    return JSON.stringify({
      exit: this.exit,
      stdout: this.stdout,
      stderr: this.stderr.slice(-4000),
    });
  }
}

/** Whether a process of the group runs still: any but a zombie, which holds nothing. */
export function groupRunning(pgid: number): boolean {
  const table = execFileSync('ps', ['-e', '-o', 'pgid=,stat='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .some(([group, state = '']) => Number(group) === pgid && !state.startsWith('Z'));
}

/**
 * Projects and `npm run dev` processes for the tests of one file, each removed or stopped after
 * its test (processes first, then projects).
 */
export function useDevProcesses(): {
  project(): Promise<DevProject>;
  dev(target: DevProject, env?: Record<string, string>): DevProcess;
} {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async project() {
      const created = await devProject();
      cleanups.push(() => created.remove());
      return created;
    },
    dev(target, env = {}) {
      const started = new DevProcess(target, env);
      cleanups.push(() => started.kill());
      return started;
    },
  };
}
