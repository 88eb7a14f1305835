import { JobsError } from '../shared/errors';
import { stableHash } from './naming';

/**
 * Which stack each job lives in: committed state beside `cdk.json`, one line per job, reviewed
 * like a lockfile. A deployed job never moves: moving re-creates its fixed-name queue, function,
 * log group and schedule in another stack, which fails ("already exists") or loses the messages
 * waiting on the old queue.
 */
export type StackAssignment = ReadonlyMap<string, number>;

/** The file, in the project's folder, that holds the assignment. */
export const STACK_ASSIGNMENT_FILE = 'job-stacks.txt';

/** Resources a job stack may hold, under CloudFormation's 500 with room for what CDK adds. */
export const MAX_RESOURCES_PER_STACK = 450;

/**
 * The most resources one job makes, with every option it may have: its queue, dead-letter queue
 * and their one policy, its log group, role, function and queue mapping, a schedule, a later-runs
 * role, and three alarms. A stack is sized for its jobs at their largest, so that a job that
 * gains a schedule or an `enqueues` never overfills the stack it already lives in.
 */
export const RESOURCES_PER_JOB_AT_MOST = 12;

/**
 * What a job stack holds besides its jobs: the step that keeps paused schedules off, and the
 * `AWS::CDK::Metadata` resource CDK adds.
 */
export const RESOURCES_PER_STACK_BESIDES_JOBS = 2;

/** How many jobs one stack takes. */
export const JOBS_PER_STACK = Math.floor(
  (MAX_RESOURCES_PER_STACK - RESOURCES_PER_STACK_BESIDES_JOBS) / RESOURCES_PER_JOB_AT_MOST,
);

/** The number of stacks apps deployed before the assignment file spread their jobs over. */
export const HASH_SHARD_COUNT = 16;

/** The name (and construct id) of a job stack. */
export function jobStackName(appName: string, stack: number): string {
  return `${appName}-shard-${String(stack).padStart(2, '0')}`;
}

/** The stack an app deployed before the assignment file put a job in: a hash of its name. */
export function hashShardOf(jobName: string, shardCount: number): number {
  return stableHash(jobName) % shardCount;
}

export interface AssignJobsOptions {
  /** Every job the app has now. */
  readonly jobNames: readonly string[];
  /**
   * The committed assignment, when there is one.
   * @default - none: the app adopts where `hashShardOf` put its jobs, so that nothing deployed moves
   */
  readonly previous?: StackAssignment;
  /** @default JOBS_PER_STACK */
  readonly jobsPerStack?: number;
  /** The shard count of the hash an app without an assignment was deployed with. @default HASH_SHARD_COUNT */
  readonly hashShardCount?: number;
}

/**
 * The assignment for the app's jobs now: every job already assigned stays where it is, removed
 * jobs leave, and each new job, in name order, goes to the lowest-numbered stack that exists and
 * has room, a new stack being added only when every stack is full.
 */
export function assignJobsToStacks(options: AssignJobsOptions): Map<string, number> {
  const jobsPerStack = options.jobsPerStack ?? JOBS_PER_STACK;
  const current = new Set(options.jobNames);
  const assignment = new Map<string, number>();
  const sizes = new Map<number, number>();
  const place = (jobName: string, stack: number) => {
    assignment.set(jobName, stack);
    sizes.set(stack, (sizes.get(stack) ?? 0) + 1);
  };
  const newJobs = [...current].sort();
  if (options.previous) {
    for (const [jobName, stack] of options.previous)
      if (current.has(jobName)) place(jobName, stack);
  } else {
    // Adopting: an app synthesized before stacks were committed fitted every hash shard within
    // a stack, so each job finds its place; one that does not was never deployed there.
    const shardCount = options.hashShardCount ?? HASH_SHARD_COUNT;
    for (const jobName of newJobs) {
      const shard = hashShardOf(jobName, shardCount);
      if ((sizes.get(shard) ?? 0) < jobsPerStack) place(jobName, shard);
    }
  }
  for (const jobName of newJobs) {
    if (!assignment.has(jobName)) place(jobName, stackWithRoom(sizes, jobsPerStack));
  }
  return assignment;
}

/**
 * The lowest-numbered stack that exists and has room; when every one is full, a new stack: the
 * lowest number no stack has.
 */
function stackWithRoom(sizes: ReadonlyMap<number, number>, jobsPerStack: number): number {
  const existing = [...sizes.keys()].sort((a, b) => a - b);
  const withRoom = existing.find((stack) => (sizes.get(stack) ?? 0) < jobsPerStack);
  if (withRoom !== undefined) return withRoom;
  let fresh = 0;
  while (sizes.has(fresh)) fresh++;
  return fresh;
}

/**
 * Stacks that hold more jobs than a stack is sized for, which only a hand edit or two branches
 * that each added a job to one stack make: each with its number of jobs.
 */
export function overfullStacks(
  assignment: StackAssignment,
  jobsPerStack = JOBS_PER_STACK,
): { stack: number; jobs: number }[] {
  const sizes = new Map<number, number>();
  for (const stack of assignment.values()) sizes.set(stack, (sizes.get(stack) ?? 0) + 1);
  return [...sizes]
    .filter(([, jobs]) => jobs > jobsPerStack)
    .sort(([a], [b]) => a - b)
    .map(([stack, jobs]) => ({ stack, jobs }));
}

/** The jobs of each stack, by stack number, in the order the jobs are given. */
export function groupByStack<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  assignment: StackAssignment,
): Map<number, T[]> {
  const stacks = new Map<number, T[]>();
  for (const item of items) {
    const stack = assignment.get(nameOf(item));
    if (stack === undefined) throw new Error(`job ${nameOf(item)} has no stack`);
    const list = stacks.get(stack) ?? [];
    list.push(item);
    stacks.set(stack, list);
  }
  return new Map([...stacks].sort(([a], [b]) => a - b));
}

const HEADER = `# The stack each job is deployed in: <job> <stack number>, one line per job.
# Written by \`npx cdk synth\`: commit it with the job files. A job never moves to another stack;
# a new job goes to a stack with room. With CI=true, synth fails when this file is out of date.
`;

/** The file's text: a header, then one `<job> <stack>` line per job, by job name. */
export function formatStackAssignment(assignment: StackAssignment): string {
  const lines = [...assignment]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([jobName, stack]) => `${jobName} ${stack}`);
  return `${HEADER}${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;
}

/** Reads the file's text; `file` names it in errors. */
export function parseStackAssignment(text: string, file: string): Map<string, number> {
  const assignment = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([a-z0-9-]+)\s+(\d{1,4})$/.exec(line);
    const where = `${file}, line ${index + 1}`;
    if (!match?.[1] || match[2] === undefined) {
      throw new JobsError(
        `${where}: expected "<job name> <stack number>", got "${line.slice(0, 120)}". Fix the line, or delete the file to adopt where the jobs were deployed by hash (only for an app deployed before this file existed).`,
      );
    }
    const [, jobName, stack] = match;
    if (assignment.has(jobName)) {
      throw new JobsError(
        `${where}: job "${jobName}" is listed twice (stacks ${assignment.get(jobName)} and ${stack}); a job lives in one stack. Keep the line of the stack it is deployed in.`,
      );
    }
    assignment.set(jobName, Number(stack));
  });
  return assignment;
}

/** What changed between two assignments, one phrase per change, for the message synth prints. */
export function describeAssignmentChanges(
  before: StackAssignment | undefined,
  after: StackAssignment,
): string[] {
  if (!before) return [`${after.size} job(s) assigned to their stacks (first assignment)`];
  const changes: string[] = [];
  for (const [jobName, stack] of after) {
    const was = before.get(jobName);
    if (was === undefined) changes.push(`${jobName} added to stack ${stack}`);
    else if (was !== stack) changes.push(`${jobName} moved from stack ${was} to ${stack}`);
  }
  for (const [jobName, stack] of before) {
    if (!after.has(jobName)) changes.push(`${jobName} removed from stack ${stack}`);
  }
  const stacksAfter = new Set(after.values());
  for (const stack of new Set(before.values())) {
    if (!stacksAfter.has(stack)) {
      changes.push(
        `stack ${stack} now holds no job and leaves the app: \`cdk deploy --all\` will not delete it; delete it with \`aws cloudformation delete-stack\` once its jobs' queues are empty`,
      );
    }
  }
  return changes;
}
