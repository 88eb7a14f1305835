import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's static files, served at `/`. */
export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');

/**
 * The runtime's modules the dashboard imports, at the path its relative imports reach from `/`
 * (`../../shared/x.js` from `local/dashboard/`, where tsc checks it against the same file).
 */
export const DASHBOARD_SHARED_MODULES: Readonly<Record<string, string>> = {
  '/shared/control/retryable.js': sharedModule('control', 'retryable.ts'),
  '/shared/control/cancellable.js': sharedModule('control', 'cancellable.ts'),
};

function sharedModule(...path: readonly string[]): string {
  return join(DASHBOARD_DIR, '..', '..', 'shared', ...path);
}
