import { createHash } from 'node:crypto';
import { ulid } from 'ulidx';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new run id: a ULID, so ids sort by the time the run was requested. */
export function newRunId(now: number): string {
  return ulid(now);
}

/**
 * The run id for an idempotency key: the same key for the same job always gives the same id,
 * so every delivery of a keyed request (a schedule tick, an API call retried by its client)
 * lands on one run.
 */
export function runIdForKey(jobName: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${jobName}\n${idempotencyKey}`).digest();
  let id = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < 26) {
      id += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (id.length === 26) break;
  }
  return id;
}
