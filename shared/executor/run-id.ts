import { createHash, randomFillSync } from 'node:crypto';

// Crockford's base 32, as ULIDs use: no I, L, O or U.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const ID_CHARS = 26;

/**
 * A new run id: a ULID (48-bit time, 80 random bits), so ids sort by the time the run was
 * requested. Hand-written because the ulid libraries draw one random byte per character, which
 * cost more than the rest of the executor's work per run.
 */
export function newRunId(now: number): string {
  let time = '';
  let remaining = Math.floor(now);
  for (let index = 0; index < TIME_CHARS; index++) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  return time + encodeBits(randomFillSync(new Uint8Array(10)), ID_CHARS - TIME_CHARS);
}

/**
 * The run id for an idempotency key: the same key for the same job always gives the same id,
 * so every delivery of a keyed request (a schedule tick, an API call retried by its client)
 * lands on one run.
 */
export function runIdForKey(jobName: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${jobName}\n${idempotencyKey}`).digest();
  return encodeBits(digest, ID_CHARS);
}

/** The first `chars` 5-bit groups of `bytes`, in Crockford's base 32. */
function encodeBits(bytes: Uint8Array, chars: number): string {
  let encoded = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && encoded.length < chars) {
      encoded += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (encoded.length === chars) break;
  }
  return encoded;
}
