import { stableHash } from './naming';

/**
 * The shard (stack) a job lives in: a hash of its name, so that adding or removing a job never
 * moves another one. Changing the number of shards does move jobs; synth says when a shard is
 * too full and the number must grow.
 */
export function shardOf(jobName: string, shardCount: number): number {
  return stableHash(jobName) % shardCount;
}

/** Resources a shard stack may hold, under CloudFormation's 500 with room for what CDK adds. */
export const MAX_RESOURCES_PER_STACK = 450;

/** The name (and construct id) of a shard's stack. */
export function shardStackName(appName: string, shard: number): string {
  return `${appName}-shard-${String(shard).padStart(2, '0')}`;
}

/** The items of each shard, in their given order: one list per shard, empty ones included. */
export function groupByShard<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  shardCount: number,
): T[][] {
  const shards = Array.from({ length: shardCount }, () => [] as T[]);
  for (const item of items) shards[shardOf(nameOf(item), shardCount)]?.push(item);
  return shards;
}
