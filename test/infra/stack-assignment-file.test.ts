import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatStackAssignment } from '../../infra/stack-assignment';
import {
  isContinuousIntegration,
  readStackAssignment,
  settleStackAssignment,
} from '../../infra/stack-assignment-file';
import { JobsError } from '../../shared/errors';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function assignmentFile(text?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'job-stacks-'));
  folders.push(dir);
  const file = join(dir, 'job-stacks.txt');
  if (text !== undefined) await writeFile(file, text);
  return file;
}

const BEFORE = new Map([['daily-report', 3]]);
const AFTER = new Map([
  ['daily-report', 3],
  ['send-email', 0],
]);

describe('settleStackAssignment', () => {
  it('writes the new assignment and says what changed, outside CI', async () => {
    const file = await assignmentFile(formatStackAssignment(BEFORE));
    const said: string[] = [];

    settleStackAssignment(file, BEFORE, AFTER, { env: {}, log: (line) => said.push(line) });

    expect(readStackAssignment(file)).toEqual(AFTER);
    expect(said).toEqual([
      'job-stacks.txt: send-email added to stack 0. Commit it with the job files.',
    ]);
  });

  it('with CI=true, fails on a stale file, naming the change and the command that updates it, and leaves the file as it was', async () => {
    const stale = formatStackAssignment(BEFORE);
    const file = await assignmentFile(stale);

    const settling = () => settleStackAssignment(file, BEFORE, AFTER, { env: { CI: 'true' } });

    expect(settling).toThrow(JobsError);
    expect(settling).toThrow(
      'job-stacks.txt is out of date with the job files (send-email added to stack 0). Run `npx cdk synth` without CI=true, review and commit job-stacks.txt, then run CI again.',
    );
    expect(await readFile(file, 'utf8')).toBe(stale);
  });

  it('with CI=true, fails when there is no file at all', async () => {
    const file = await assignmentFile();

    expect(() => settleStackAssignment(file, undefined, AFTER, { env: { CI: '1' } })).toThrow(
      'job-stacks.txt is missing. Run `npx cdk synth` without CI=true, review and commit job-stacks.txt, then run CI again.',
    );
  });

  it('with CI=true, passes quietly when the file is up to date', async () => {
    const file = await assignmentFile(formatStackAssignment(AFTER));
    const said: string[] = [];

    settleStackAssignment(file, AFTER, AFTER, {
      env: { CI: 'true' },
      log: (line) => said.push(line),
    });

    expect(said).toEqual([]);
  });

  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'woodpecker' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('takes %o as CI: %s', (env, expected) => {
    expect(isContinuousIntegration(env)).toBe(expected);
  });
});
