import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWatchedSource, watchJobFiles } from '../../../local/job-file-watcher';
import { silentLogger } from '../../../shared/logging/silent-logger';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'job-file-watcher-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Watches `dir`; each batch of changes the watcher reports is pushed to `batches`. */
function watching(dir: string) {
  const batches: (readonly string[])[] = [];
  const watcher = watchJobFiles({
    dirs: [dir],
    debounceMs: 100,
    logger: silentLogger,
    onChange: (files) => batches.push(files),
  });
  cleanups.push(() => watcher.close());
  return batches;
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watchJobFiles', () => {
  it('reports the files of one save together, once they settle', async () => {
    const dir = await tempDir();
    const batches = watching(dir);

    await mkdir(join(dir, 'jobs', 'billing'), { recursive: true });
    await writeFile(join(dir, 'jobs', 'billing', 'invoice.job.ts'), 'export default 1;\n');
    await writeFile(join(dir, 'lib.ts'), 'export const a = 1;\n');
    await until(() => batches.length > 0, 'a batch of changes');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(batches).toEqual([
      [join(dir, 'jobs', 'billing', 'invoice.job.ts'), join(dir, 'lib.ts')],
    ]);
  });

  it("leaves out tests beside the jobs, hidden files and editors' scratch files", async () => {
    const dir = await tempDir();
    const batches = watching(dir);

    await writeFile(join(dir, 'report.test.ts'), '');
    await writeFile(join(dir, '.report.job.ts.swp'), '');
    await writeFile(join(dir, 'report.job.ts~'), '');
    await writeFile(join(dir, 'report.job.ts'), 'export default 1;\n');
    await until(() => batches.length > 0, 'a batch of changes');

    expect(batches).toEqual([[join(dir, 'report.job.ts')]]);
  });

  it('reports nothing once closed', async () => {
    const dir = await tempDir();
    const batches: (readonly string[])[] = [];
    const watcher = watchJobFiles({
      dirs: [dir],
      debounceMs: 50,
      logger: silentLogger,
      onChange: (files) => batches.push(files),
    });

    watcher.close();
    await writeFile(join(dir, 'late.job.ts'), '');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(batches).toEqual([]);
  });
});

describe('isWatchedSource', () => {
  it.each([
    ['daily-report.job.ts', true],
    ['billing/invoice.job.ts', true],
    ['../lib/sales.ts', true],
    ['config.json', true],
    ['daily-report.test.ts', false],
    ['billing/invoice.spec.ts', false],
    ['node_modules/zod/index.js', false],
    ['.hidden/x.job.ts', false],
    ['notes.md', false],
  ])('%s: %s', (file, watched) => {
    expect(isWatchedSource(file)).toBe(watched);
  });
});
