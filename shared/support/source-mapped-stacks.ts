import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

type CallSite = NodeJS.CallSite;

/**
 * Formats stack traces with the bundle's source maps, each read and parsed the first time a stack
 * passes through its file: what `--enable-source-maps` shows, without that flag's cost of parsing
 * every loaded file's map at each worker's cold start (figures in bench/lambda-bundle.bench.ts).
 * V8 formats a stack when `error.stack` is first read, so only errors that are logged or recorded
 * pay. Returns what puts the previous formatter back.
 */
export function installSourceMappedStacks(): () => void {
  const previous = Error.prepareStackTrace;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) maps.set(file, readSourceMap(file));
    return maps.get(file);
  };
  Error.prepareStackTrace = (error, callSites) =>
    `${describe(error)}${callSites.map((site) => `\n    at ${formatSite(site, mapOf)}`).join('')}`;
  return () => {
    Error.prepareStackTrace = previous;
  };
}

function readSourceMap(file: string): SourceMap | undefined {
  try {
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (!path.startsWith('/') || !existsSync(`${path}.map`)) return undefined;
    return new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
  } catch {
    // A map that cannot be read leaves its frames as they are; the stack is still right.
    return undefined;
  }
}

function formatSite(site: CallSite, mapOf: (file: string) => SourceMap | undefined): string {
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const map = file && line !== null && column !== null ? mapOf(file) : undefined;
  if (!map || line === null || column === null) return site.toString();
  const entry = map.findEntry(line - 1, column - 1);
  if (!('originalSource' in entry)) return site.toString();
  const name = enclosingName(map, site) ?? site.getFunctionName();
  const place = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  const prefix = site.isAsync() ? 'async ' : '';
  return name ? `${prefix}${name} (${place})` : `${prefix}${place}`;
}

/**
 * The source name of the function the frame is in, where the map names the function's start (as
 * TypeScript's maps do; esbuild's name the identifier after `function`, so V8's name is kept).
 */
function enclosingName(map: SourceMap, site: CallSite): string | undefined {
  const line = site.getEnclosingLineNumber();
  const column = site.getEnclosingColumnNumber();
  if (line === null || column === null) return undefined;
  const entry = map.findEntry(line - 1, column - 1);
  return 'name' in entry && typeof entry.name === 'string' && entry.name ? entry.name : undefined;
}

function describe(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}
