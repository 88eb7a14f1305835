/**
 * The known name `name` is most likely a slip for, for "did you mean" hints: the nearest within a
 * small edit distance (case ignored), or one that shares its stem ("retry" for "retries").
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  // Two edits turn most short words into others ("cron" into "run"), so short names get one.
  const maxDistance = name.length <= 4 ? 1 : Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const known = candidate.toLowerCase();
    const distance = editDistance(wanted, known);
    if (distance < bestDistance && (distance <= maxDistance || sharesStem(wanted, known))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// A word cut short or run on ("retry"/"retries", "timeoutSeconds"/"timeout") is a likely slip even
// when its edit distance is large: all of the shorter word but its last letter starts the longer one.
function sharesStem(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= 4 && longer.startsWith(shorter.slice(0, -1));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
