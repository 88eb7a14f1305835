import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
// Inside the repository, so that the example's "#shared" imports resolve through its
// package.json as they do for a user; git-ignored.
const PROJECTS_DIR = join(REPO_ROOT, '.cache', 'test-projects');
const TIMEOUT_MS = 120_000;

/**
 * The first TypeScript block of the README's "Test a job" section. Its first line, a comment,
 * names the file it belongs in, relative to the project root.
 */
async function readmeExample(): Promise<{ file: string; code: string }> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Test a job'));
  if (!section) throw new Error('README.md has no "## Test a job" section');
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!code) throw new Error('The "Test a job" section of README.md has no ```ts block');
  const file = /^\/\/ (\S+\.test\.ts)\b/.exec(code)?.[1];
  if (!file) {
    throw new Error(
      'The first line of the "Test a job" example must be a comment naming its file, e.g. ' +
        `"// functions/jobs/daily-report.test.ts", got: ${code.split('\n')[0]}`,
    );
  }
  return { file, code };
}

/** Runs a command to its end; never rejects, so that a failure's output can be asserted on. */
function run(command: string, args: readonly string[], stdin?: string) {
  return new Promise<{ code: number | null; output: string; stdout: string }>((done) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      // No colours, so that the output reads plainly in an assertion.
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('close', (code) => done({ code, output, stdout }));
    child.stdin.end(stdin ?? '');
  });
}

const bin = (path: string) => join(REPO_ROOT, 'node_modules', path);

let project: string;
let example: { file: string; code: string };

// A copy of the project's functions/ with the README's example written where it says it
// belongs, so that nothing is added to the real jobs folder while other tests read it.
beforeAll(async () => {
  example = await readmeExample();
  project = join(PROJECTS_DIR, `readme-${randomUUID()}`);
  await mkdir(project, { recursive: true });
  await cp(join(REPO_ROOT, 'functions'), join(project, 'functions'), {
    recursive: true,
    // The example is to be the only test there.
    filter: (source) => !source.endsWith('.test.ts'),
  });
  await mkdir(join(project, example.file, '..'), { recursive: true });
  await writeFile(join(project, example.file), example.code);
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("the README's example test", { timeout: TIMEOUT_MS }, () => {
  it("passes with the project's Vitest config, in the file it names", async () => {
    const result = await run(process.execPath, [
      bin('vitest/vitest.mjs'),
      'run',
      '--config',
      join(REPO_ROOT, 'vitest.config.ts'),
      '--root',
      project,
    ]);

    expect(result.output).toContain(example.file);
    expect(result.output).toMatch(/Test Files\s+1 passed \(1\)/);
    expect(result.code, result.output).toBe(0);
  });

  it("type-checks with the project's compiler settings, importing only what it uses", async () => {
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        extends: join(REPO_ROOT, 'tsconfig.json'),
        compilerOptions: { noUnusedLocals: true },
        include: [example.file],
      }),
    );

    const result = await run(process.execPath, [
      bin('typescript/bin/tsc'),
      '--project',
      join(project, 'tsconfig.json'),
    ]);

    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('is formatted, and its imports ordered, as Biome would leave them', async () => {
    const result = await run(
      bin('.bin/biome'),
      ['check', '--write', `--stdin-file-path=${example.file}`],
      example.code,
    );

    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toBe(example.code);
  });
});
