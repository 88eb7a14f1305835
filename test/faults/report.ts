import { appendFileSync } from 'node:fs';

/**
 * Prints one line of the fault suite's figures, and appends it to FAULTS_REPORT when that names
 * a file, so that a run of the whole suite ends with its counts together.
 */
export function report(line: string): void {
  process.stdout.write(`faults: ${line}\n`);
  const file = process.env.FAULTS_REPORT;
  if (file) appendFileSync(file, `${line}\n`);
}
