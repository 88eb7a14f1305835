const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
};

/**
 * Seconds in a duration written as a number of seconds or as text such as `'5 minutes'`,
 * `'90 seconds'` or `'2m'`. Returns undefined for anything else; callers word the error.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  const factor = UNIT_SECONDS[match?.[2]?.toLowerCase() ?? ''];
  if (!match || factor === undefined) return undefined;
  return Number(match[1]) * factor;
}
