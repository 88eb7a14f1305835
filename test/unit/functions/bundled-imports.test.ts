import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

/** What gets bundled into a Lambda: the runtime, the entry points and the jobs (not their tests). */
function bundledSources(): string[] {
  const shared = readdirSync(join(ROOT, 'shared'), { recursive: true, encoding: 'utf8' }).map(
    (file) => join('shared', file),
  );
  const functions = readdirSync(join(ROOT, 'functions'), { recursive: true, encoding: 'utf8' }).map(
    (file) => join('functions', file),
  );
  return [...shared, ...functions]
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => file.split('\\').join('/'))
    .sort();
}

// Static imports, re-exports, side-effect imports and dynamic imports, by their specifier.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function specifiersOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(SPECIFIER)].map((match) => match[1] ?? '');
}

/** Synth- and tool-time code: discovery (esbuild and the file system) and the CDK. */
function isToolTimeModule(file: string, specifier: string): boolean {
  if (specifier === 'esbuild' || specifier.startsWith('esbuild/')) return true;
  if (specifier === 'aws-cdk-lib' || specifier.startsWith('aws-cdk-lib/')) return true;
  if (specifier === 'constructs') return true;
  if (specifier === '#discovery' || specifier.startsWith('#discovery/')) return true;
  if (!specifier.startsWith('.')) return false;
  const target = relative(ROOT, join(ROOT, file, '..', specifier))
    .split('\\')
    .join('/');
  return target === 'discovery' || target.startsWith('discovery/') || target.startsWith('infra/');
}

describe('the code bundled into every Lambda', () => {
  it('finds the runtime, the entry points and the jobs to scan', () => {
    const files = bundledSources();

    expect(files).toContain('shared/index.ts');
    expect(files).toContain('functions/worker.ts');
    expect(files).toContain('functions/jobs/daily-report.job.ts');
  });

  it('imports neither discovery, esbuild, the CDK nor infra/ (each offending import named by file)', () => {
    const offending = bundledSources().flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => isToolTimeModule(file, specifier))
        .map((specifier) => `${file} imports '${specifier}'`),
    );

    expect(offending).toEqual([]);
  });

  it('would name a file that imports discovery', () => {
    expect(isToolTimeModule('shared/job/x.ts', '../../discovery/index')).toBe(true);
    expect(isToolTimeModule('functions/worker.ts', '#discovery')).toBe(true);
    expect(isToolTimeModule('shared/x.ts', 'esbuild')).toBe(true);
    expect(isToolTimeModule('shared/job/x.ts', '../errors')).toBe(false);
  });
});
