import { describe, expect, it } from 'vitest';
import {
  assignJobsToStacks,
  describeAssignmentChanges,
  formatStackAssignment,
  HASH_SHARD_COUNT,
  hashShardOf,
  JOBS_PER_STACK,
  MAX_RESOURCES_PER_STACK,
  overfullStacks,
  parseStackAssignment,
  RESOURCES_PER_JOB_AT_MOST,
  type StackAssignment,
} from '../../infra/stack-assignment';
import { JobsError } from '../../shared/errors';

const names = (count: number, prefix = 'job') =>
  Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(5, '0')}`);

/** The jobs whose stack differs between two assignments, of those both hold. */
function moved(before: StackAssignment, after: StackAssignment): string[] {
  return [...before].flatMap(([job, stack]) =>
    after.has(job) && after.get(job) !== stack ? [job] : [],
  );
}

function stackSizes(assignment: StackAssignment): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const stack of assignment.values()) sizes.set(stack, (sizes.get(stack) ?? 0) + 1);
  return sizes;
}

describe('assignJobsToStacks', () => {
  it('moves no job when one job is added to 1,000, and none when 1,999 more follow', () => {
    const thousand = assignJobsToStacks({ jobNames: names(1000), previous: new Map() });
    const oneMore = assignJobsToStacks({
      jobNames: [...names(1000), 'added-later'],
      previous: thousand,
    });
    const threeThousand = assignJobsToStacks({
      jobNames: [...names(1000), 'added-later', ...names(1999, 'wave')],
      previous: oneMore,
    });

    expect(moved(thousand, oneMore)).toEqual([]);
    expect(moved(oneMore, threeThousand)).toEqual([]);
    expect(threeThousand.size).toBe(3000);
    expect(Math.max(...stackSizes(threeThousand).values())).toBe(JOBS_PER_STACK);
  });

  it('moves no job whatever the order jobs come and go in', () => {
    let assignment: StackAssignment = new Map();
    let jobs: string[] = [];
    for (let round = 0; round < 40; round++) {
      // Each round removes every seventh job and adds 60 new ones.
      jobs = [...jobs.filter((_, index) => index % 7 !== round % 7), ...names(60, `r${round}`)];
      const next = assignJobsToStacks({ jobNames: jobs, previous: assignment });

      expect(moved(assignment, next)).toEqual([]);
      expect(Math.max(...stackSizes(next).values())).toBeLessThanOrEqual(JOBS_PER_STACK);
      assignment = next;
    }
  });

  it('fills the lowest-numbered stack with room, and adds a stack only when all are full', () => {
    const full = assignJobsToStacks({ jobNames: names(JOBS_PER_STACK * 2), previous: new Map() });

    expect([...stackSizes(full)]).toEqual([
      [0, JOBS_PER_STACK],
      [1, JOBS_PER_STACK],
    ]);
    const next = assignJobsToStacks({
      jobNames: [...names(JOBS_PER_STACK * 2), 'one-more'],
      previous: full,
    });
    expect(next.get('one-more')).toBe(2);
  });

  it('fills the stacks that exist before it adds one, even where their numbers leave gaps', () => {
    const adopted = new Map([
      ['daily-report', 13],
      ['month-end-report', 0],
      ['send-email', 2],
    ]);
    const fillers = names(JOBS_PER_STACK + 1, 'filler');

    const after = assignJobsToStacks({
      jobNames: [...adopted.keys(), ...fillers],
      previous: adopted,
    });

    expect([...stackSizes(after)].sort(([a], [b]) => a - b)).toEqual([
      [0, JOBS_PER_STACK],
      [2, 3],
      [13, 1],
    ]);
  });

  it('numbers a new stack with the lowest number no stack has', () => {
    const previous = new Map([
      ...names(JOBS_PER_STACK, 'zero').map((job) => [job, 0] as const),
      ...names(JOBS_PER_STACK, 'two').map((job) => [job, 2] as const),
    ]);

    const after = assignJobsToStacks({ jobNames: [...previous.keys(), 'extra'], previous });

    expect(after.get('extra')).toBe(1);
  });

  it("gives a removed job's place to the next new job", () => {
    const jobs = names(JOBS_PER_STACK * 3);
    const before = assignJobsToStacks({ jobNames: jobs, previous: new Map() });
    const removed = jobs[JOBS_PER_STACK + 3] ?? '';
    expect(before.get(removed)).toBe(1);

    const after = assignJobsToStacks({
      jobNames: [...jobs.filter((job) => job !== removed), 'newcomer'],
      previous: before,
    });

    expect(after.has(removed)).toBe(false);
    expect(after.get('newcomer')).toBe(1);
  });

  it('keeps a stack number that a committed file gives, and fills that stack first', () => {
    const after = assignJobsToStacks({
      jobNames: ['kept', 'fresh'],
      previous: new Map([['kept', 7]]),
    });

    expect(after).toEqual(
      new Map([
        ['kept', 7],
        ['fresh', 7],
      ]),
    );
  });

  // An app synthesized before the assignment file had each job where `stableHash % 16` put it,
  // and no shard over 450 resources at 13 resources a job plus the KeepPausedSchedules step.
  it('adopts, with no file yet, the stack hash sharding gave every job of an app that synthesized before', () => {
    const mostJobsAShardHeldBefore = Math.floor((MAX_RESOURCES_PER_STACK - 1) / 13);
    const jobs = names(4000).filter(
      (() => {
        const sizes = new Map<number, number>();
        return (job: string) => {
          const shard = hashShardOf(job, HASH_SHARD_COUNT);
          const size = sizes.get(shard) ?? 0;
          if (size >= mostJobsAShardHeldBefore) return false;
          sizes.set(shard, size + 1);
          return true;
        };
      })(),
    );
    expect(jobs.length).toBe(HASH_SHARD_COUNT * mostJobsAShardHeldBefore);

    const adopted = assignJobsToStacks({ jobNames: jobs });

    expect(jobs.filter((job) => adopted.get(job) !== hashShardOf(job, HASH_SHARD_COUNT))).toEqual(
      [],
    );
  });

  it('adopts with the shard count an app was deployed with', () => {
    const jobs = names(50);

    const adopted = assignJobsToStacks({ jobNames: jobs, hashShardCount: 5 });

    expect(jobs.every((job) => adopted.get(job) === hashShardOf(job, 5))).toBe(true);
  });

  it('when adopting, puts a job its hash shard has no room for in a stack with room', () => {
    const jobs = names(JOBS_PER_STACK + 1);

    const adopted = assignJobsToStacks({ jobNames: jobs, hashShardCount: 1 });

    expect([...stackSizes(adopted)]).toEqual([
      [0, JOBS_PER_STACK],
      [1, 1],
    ]);
  });

  it('sizes a stack for its jobs at their largest, within the resources a stack may hold', () => {
    expect(JOBS_PER_STACK * RESOURCES_PER_JOB_AT_MOST).toBeLessThanOrEqual(
      MAX_RESOURCES_PER_STACK - 2,
    );
    expect((JOBS_PER_STACK + 1) * RESOURCES_PER_JOB_AT_MOST).toBeGreaterThan(
      MAX_RESOURCES_PER_STACK - 2,
    );
  });
});

describe('overfullStacks', () => {
  it('names each stack with more jobs than a stack is sized for', () => {
    const assignment = new Map([
      ...names(JOBS_PER_STACK + 1, 'merged').map((job) => [job, 3] as const),
      ...names(JOBS_PER_STACK, 'full').map((job) => [job, 0] as const),
    ]);

    expect(overfullStacks(assignment)).toEqual([{ stack: 3, jobs: JOBS_PER_STACK + 1 }]);
  });
});

describe('the assignment file', () => {
  it('reads back what it writes, one line per job by name', () => {
    const assignment = new Map([
      ['weekly-cleanup', 6],
      ['daily-report', 13],
      ['send-email', 2],
    ]);

    const text = formatStackAssignment(assignment);

    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([
      'daily-report 13',
      'send-email 2',
      'weekly-cleanup 6',
    ]);
    expect(parseStackAssignment(text, 'job-stacks.txt')).toEqual(assignment);
  });

  it.each([
    ['a line without a stack', 'daily-report\n', 'line 1: expected "<job name> <stack number>"'],
    ['a stack that is not a number', '# header\ndaily-report two\n', 'line 2: expected'],
    ['an upper-case name', 'Daily-Report 1\n', 'line 1: expected'],
  ])('refuses %s, naming the line', (_, text, message) => {
    expect(() => parseStackAssignment(text, 'job-stacks.txt')).toThrow(JobsError);
    expect(() => parseStackAssignment(text, 'job-stacks.txt')).toThrow(
      `job-stacks.txt, ${message}`,
    );
  });

  it('refuses a job listed twice, naming both stacks', () => {
    expect(() => parseStackAssignment('a 1\nb 2\na 3\n', 'job-stacks.txt')).toThrow(
      'job-stacks.txt, line 3: job "a" is listed twice (stacks 1 and 3)',
    );
  });

  it('says what changed: jobs added, removed and moved', () => {
    const changes = describeAssignmentChanges(
      new Map([
        ['kept', 0],
        ['gone', 1],
        ['edited', 2],
      ]),
      new Map([
        ['kept', 0],
        ['edited', 3],
        ['new', 1],
      ]),
    );

    expect(changes).toEqual([
      'edited moved from stack 2 to 3',
      'new added to stack 1',
      'gone removed from stack 1',
      "stack 2 now holds no job and leaves the app: `cdk deploy --all` will not delete it; delete it with `aws cloudformation delete-stack` once its jobs' queues are empty",
    ]);
  });

  it('says when a stack is left without jobs, and that a deploy will not delete it', () => {
    const changes = describeAssignmentChanges(
      new Map([
        ['stays', 0],
        ['last-of-its-stack', 4],
      ]),
      new Map([['stays', 0]]),
    );

    expect(changes).toEqual([
      'last-of-its-stack removed from stack 4',
      "stack 4 now holds no job and leaves the app: `cdk deploy --all` will not delete it; delete it with `aws cloudformation delete-stack` once its jobs' queues are empty",
    ]);
  });
});
