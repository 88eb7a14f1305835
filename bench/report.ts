/** Prints one benchmark figure as an aligned line, and returns it for the summary. */
export function report(name: string, value: number, unit: string, note = ''): string {
  const figure =
    value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  const line = `${name.padEnd(58)} ${figure.padStart(10)} ${unit}${note ? `  (${note})` : ''}`;
  process.stdout.write(`${line}\n`);
  return line;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
