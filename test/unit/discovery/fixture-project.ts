import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** The repository's root: job files in a fixture import "#shared", which resolves from here. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Inside the repository (so its package.json "imports" apply) and git-ignored.
const FIXTURES_DIR = join(REPOSITORY_ROOT, '.cache', 'test-projects');

/** A throwaway project folder of its own, for one test. */
export interface FixtureProject {
  /** The project's absolute path, to pass to discoverJobs as projectRoot. */
  readonly root: string;
  /** Writes a file below the project root, creating its folders. */
  write(relativePath: string, contents: string): Promise<void>;
  /** Writes a file below the project's functions/jobs folder. */
  writeJob(pathInJobsDir: string, contents: string): Promise<void>;
  /** Creates a folder below the project root. */
  mkdir(relativePath: string): Promise<void>;
  /** What discovery left in the project's bundle cache (`.cache/jobs`). */
  cacheFiles(): Promise<string[]>;
}

/**
 * Registers an afterEach that deletes every project the returned factory made during the test,
 * so that tests (and test files running in parallel) never share a project.
 */
export function useFixtureProjects(): () => Promise<FixtureProject> {
  const created: string[] = [];
  afterEach(async () => {
    const folders = created.splice(0);
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });
  return async () => {
    await mkdir(FIXTURES_DIR, { recursive: true });
    const root = await mkdtemp(join(FIXTURES_DIR, 'discovery-'));
    created.push(root);
    return fixtureProject(root);
  };
}

function fixtureProject(root: string): FixtureProject {
  const write = async (relativePath: string, contents: string) => {
    const file = join(root, relativePath);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, contents);
  };
  return {
    root,
    write,
    writeJob: (pathInJobsDir, contents) =>
      write(join('functions', 'jobs', pathInJobsDir), contents),
    mkdir: async (relativePath) => {
      await mkdir(join(root, relativePath), { recursive: true });
    },
    cacheFiles: async () => {
      try {
        return await readdir(join(root, '.cache', 'jobs'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
  };
}

/**
 * The source of a valid job file. `options` is inserted before `run`, e.g.
 * `name: 'nightly-sync', schedule: { rate: '1 hour' },`.
 */
export function jobSource(options = ''): string {
  return [
    "import { defineJob, JobResult } from '#shared';",
    '',
    `export default defineJob({ ${options} run: async () => JobResult.success() });`,
    '',
  ].join('\n');
}
