import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { JobsError } from '../shared/errors';
import {
  describeAssignmentChanges,
  formatStackAssignment,
  parseStackAssignment,
  type StackAssignment,
} from './stack-assignment';

/** The committed assignment, or undefined when the app has none yet. */
export function readStackAssignment(file: string): StackAssignment | undefined {
  if (!existsSync(file)) return undefined;
  return parseStackAssignment(readFileSync(file, 'utf8'), basename(file));
}

/** Whether this is a CI run, as CI services and npm's ci-info say it: `CI` set, and not false. */
export function isContinuousIntegration(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Brings the file up to date with the synth's assignment and says what changed; in CI, where a
 * change would be deployed without review, fails instead, as `npm ci` does for a stale lockfile.
 */
export function settleStackAssignment(
  file: string,
  previous: StackAssignment | undefined,
  next: StackAssignment,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): void {
  const text = formatStackAssignment(next);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) return;
  const changes = describeAssignmentChanges(previous, next);
  const name = basename(file);
  if (isContinuousIntegration(options.env)) {
    const listed = changes.slice(0, 10).join('; ');
    const more = changes.length > 10 ? `; and ${changes.length - 10} more` : '';
    const what =
      current === undefined
        ? `${name} is missing`
        : `${name} is out of date with the job files (${listed || 'its lines are not as synth writes them: order, spacing or comments'}${more})`;
    throw new JobsError(
      `${what}. Run \`npx cdk synth\` without CI=true, review and commit ${name}, then run CI again.`,
    );
  }
  writeFileSync(file, text);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  log(
    `${name}: ${changes.length > 0 ? changes.join('; ') : 'rewritten'}. Commit it with the job files.`,
  );
}
