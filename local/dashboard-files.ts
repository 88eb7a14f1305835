import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's static files, served at `/`. */
export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboard');

const require = createRequire(import.meta.url);

/**
 * What the dashboard loads from outside its folder, by the path it asks for: the runtime's
 * modules at the path its relative imports reach from `/` (`../../shared/x.js` from
 * `local/dashboard/`, where tsc checks it against the same file), and the charting library from
 * the installed package, as it ships it (index.html's import map names it `uplot`), so that the
 * dashboard needs no build step and no network.
 */
export const DASHBOARD_MODULES: Readonly<Record<string, string>> = {
  '/shared/control/retryable.js': sharedModule('control', 'retryable.ts'),
  '/shared/control/cancellable.js': sharedModule('control', 'cancellable.ts'),
  '/vendor/uplot.js': require.resolve('uplot/dist/uPlot.esm.js'),
  '/vendor/uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
};

function sharedModule(...path: readonly string[]): string {
  return join(DASHBOARD_DIR, '..', '..', 'shared', ...path);
}
