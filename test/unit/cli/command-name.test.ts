import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-harness';
import { REPOSITORY_ROOT } from './fixtures/temp-project';

// `jobs` is a shell builtin: `sh -c "jobs list"`, which `npx jobs list` runs, lists the shell's jobs.
describe('the command name jobctl', () => {
  // npm exec runs a bin of the project's own package.json by installing the project into its npx
  // cache, once per folder, and never relinks it: a cache entry made under the old name `jobs`
  // answered `jobctl: not found`. A bin in node_modules/.bin is run from there, with no cache.
  it('is linked into node_modules/.bin from the local bin/ package, and the root has no bin', async () => {
    const root = await readJson(join(REPOSITORY_ROOT, 'package.json'));
    const local = await readJson(join(REPOSITORY_ROOT, 'bin', 'package.json'));

    expect(root.bin).toBeUndefined();
    expect(root.devDependencies?.jobctl).toBe('file:bin');
    expect(local.bin).toEqual({ jobctl: 'jobctl.mjs' });
    expect(existsSync(join(REPOSITORY_ROOT, 'bin', 'jobctl.mjs'))).toBe(true);
    expect(realpathSync(join(REPOSITORY_ROOT, 'node_modules', '.bin', 'jobctl'))).toBe(
      realpathSync(join(REPOSITORY_ROOT, 'bin', 'jobctl.mjs')),
    );
  });

  it("needs no script-shell of npm's: .npmrc, if there is one, sets none", async () => {
    const npmrc = join(REPOSITORY_ROOT, '.npmrc');
    const settings = existsSync(npmrc) ? await readFile(npmrc, 'utf8') : '';

    expect(settings).not.toMatch(/^\s*script-shell\s*=/m);
  });

  it('names itself jobctl in its usage line', async () => {
    const { code, stdout } = await cli(['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: jobctl \[options\] \[command\]\n/);
  });

  it('is what the docs and messages tell a user to type, never npx jobs', async () => {
    const files = await textFiles([
      'README.md',
      'bin',
      'cli',
      'functions',
      'infra',
      'local',
      'shared',
    ]);

    const stale = [];
    for (const file of files) {
      const text = await readFile(join(REPOSITORY_ROOT, file), 'utf8');
      if (/\bnpx jobs\b(?!-)/.test(text)) stale.push(file);
    }

    expect(files.length).toBeGreaterThan(50);
    expect(stale).toEqual([]);
  });
});

/** The text files below `paths` of the repository, relative to its root. */
async function textFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const full = join(REPOSITORY_ROOT, path);
    if (path.includes('.')) {
      found.push(path);
      continue;
    }
    const entries = await readdir(full, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !/\.(?:ts|mjs|js|html|md)$/.test(entry.name)) continue;
      const file = relative(REPOSITORY_ROOT, join(entry.parentPath, entry.name));
      if (!file.split(/[\\/]/).includes('node_modules')) found.push(file);
    }
  }
  return found;
}

interface PackageJson {
  bin?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

async function readJson(path: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path, 'utf8')) as PackageJson;
}
