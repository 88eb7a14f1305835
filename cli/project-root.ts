import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project `folder` belongs to: the nearest folder at or above it that holds `cdk.json`, as
 * the CDK CLI finds its app, so that `jobctl new` or `validate` run from `functions/jobs/` work
 * on the project's jobs folder. `folder` itself when no folder above it holds one.
 */
export function projectRootOf(folder: string): string {
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, 'cdk.json'))) return current;
    if (dirname(current) === current) return folder;
  }
}
