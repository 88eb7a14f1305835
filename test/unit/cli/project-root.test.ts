import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRootOf } from '../../../cli/project-root';
import { cli, memoryIo } from './cli-harness';

let project: string;

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'jobs-root-'));
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('the project root of a folder', () => {
  it('is the nearest folder at or above it with cdk.json, as the CDK CLI finds its app', async () => {
    await writeFile(join(project, 'cdk.json'), '{}');
    const jobs = join(project, 'functions', 'jobs');
    await mkdir(jobs, { recursive: true });

    expect(projectRootOf(jobs)).toBe(project);
    expect(projectRootOf(project)).toBe(project);
  });

  it('is the nearest folder with a jobs folder, for a project without cdk.json inside another', async () => {
    await writeFile(join(project, 'cdk.json'), '{}');
    const inner = join(project, 'examples', 'shop');
    await mkdir(join(inner, 'functions', 'jobs'), { recursive: true });

    expect(projectRootOf(join(inner, 'functions', 'jobs'))).toBe(inner);
  });

  it('is the folder itself when no folder above it has cdk.json or a jobs folder', async () => {
    const folder = join(project, 'somewhere');
    await mkdir(folder);

    expect(projectRootOf(folder)).toBe(folder);
  });
});

describe('jobctl new, run from a subfolder of the project', () => {
  it("writes the job into the project's jobs folder and names it from the project's root", async () => {
    await writeFile(join(project, 'cdk.json'), '{}');
    const subfolder = join(project, 'functions');
    await mkdir(subfolder);

    const { code, stdout } = await cli(['new', 'nightly-sync', '--manual'], {
      io: memoryIo({ cwd: subfolder, projectRoot: projectRootOf(subfolder) }),
    });

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Created functions\/jobs\/nightly-sync\.job\.ts\./);
    await expect(
      readFile(join(project, 'functions', 'jobs', 'nightly-sync.job.ts'), 'utf8'),
    ).resolves.toContain('defineJob');
  });
});
