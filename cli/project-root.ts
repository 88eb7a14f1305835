import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_JOBS_DIR } from '../discovery/discover-jobs';

/**
 * The project `folder` belongs to: the nearest folder at or above it that holds `cdk.json` (as
 * the CDK CLI finds its app) or a jobs folder, so that `jobctl new` or `validate` run from
 * `functions/jobs/` work on the project's jobs. `folder` itself when no folder above it does.
 */
export function projectRootOf(folder: string): string {
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, 'cdk.json')) || existsSync(join(current, DEFAULT_JOBS_DIR))) {
      return current;
    }
    if (dirname(current) === current) return folder;
  }
}
