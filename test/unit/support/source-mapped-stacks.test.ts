import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { installSourceMappedStacks } from '../../../shared/support/source-mapped-stacks';

const STACKS_MODULE = resolve(
  import.meta.dirname,
  '../../../shared/support/source-mapped-stacks.ts',
);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const JOB_SOURCE = [
  '// A job file, as a bundle holds it.',
  'export function chargeCustomer(amount: number): number {',
  '  if (amount > 100) {',
  "    throw new Error('card declined');",
  '  }',
  '  return amount;',
  '}',
  '',
].join('\n');

/**
 * Bundles, minified with an external source map as the Lambda bundles are, an entry that calls
 * the job and prints the stack of what it throws; runs it in a plain node and returns the stack.
 */
async function stackFromBundle(options: { install: boolean }): Promise<string[]> {
  const dir = join(tmpdir(), `stacks-${randomUUID()}`);
  dirs.push(dir);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'charge.job.ts'), JOB_SOURCE);
  await writeFile(
    join(dir, 'entry.ts'),
    [
      `import { installSourceMappedStacks } from ${JSON.stringify(STACKS_MODULE)};`,
      "import { chargeCustomer } from './charge.job';",
      options.install ? 'installSourceMappedStacks();' : '',
      'try { chargeCustomer(500); } catch (error) { process.stdout.write((error as Error).stack ?? ""); }',
    ].join('\n'),
  );
  buildSync({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, 'out', 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    sourcemap: true,
    logLevel: 'silent',
  });
  const result = spawnSync(process.execPath, [join(dir, 'out', 'index.mjs')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.split('\n');
}

describe('installSourceMappedStacks', () => {
  it('shows the source file, line and column where a bundled function threw', async () => {
    const stack = await stackFromBundle({ install: true });

    expect(stack[0]).toBe('Error: card declined');
    expect(stack[1]).toMatch(/^ {4}at \S+ \(.*charge\.job\.ts:4:11\)$/);
  });

  it('is needed: without it the frames point into the minified bundle', async () => {
    const stack = await stackFromBundle({ install: false });

    expect(stack[1]).toMatch(/index\.mjs:1:\d+\)?$/);
  });

  it('puts back the formatter it replaced', () => {
    const previous = Error.prepareStackTrace;
    const uninstall = installSourceMappedStacks();
    expect(Error.prepareStackTrace).not.toBe(previous);

    uninstall();

    expect(Error.prepareStackTrace).toBe(previous);
  });
});
