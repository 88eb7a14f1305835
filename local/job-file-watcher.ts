import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../shared/ports/logger';

export interface JobFileWatcherOptions {
  /** Folders to watch, with everything below them; one that does not exist is left out. */
  readonly dirs: readonly string[];
  /**
   * Told of the source files that changed (absolute paths, sorted) once none has changed for
   * `debounceMs`: an editor's save, or `jobctl new`, is often several events.
   */
  readonly onChange: (files: readonly string[]) => void;
  /** @default 200 */
  readonly debounceMs?: number;
  readonly logger: Logger;
}

export interface JobFileWatcher {
  /** The folders being watched. */
  readonly dirs: readonly string[];
  close(): void;
}

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
// A job's own tests beside it (functions/jobs/x.test.ts) are not code the jobs run.
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** Whether a change to `file` (relative to a watched folder) can change what the jobs run. */
export function isWatchedSource(file: string): boolean {
  const parts = file.split(/[\\/]/);
  return (
    SOURCE_FILE.test(file) &&
    !TEST_FILE.test(file) &&
    !parts.some(
      (part) => part === 'node_modules' || (part.startsWith('.') && part !== '.' && part !== '..'),
    )
  );
}

/**
 * Watches the job files and the code beside them for changes, so that the local runtime can
 * load them again. Throws when the system cannot watch (no inotify watches left, say); the
 * caller says to restart instead.
 */
export function watchJobFiles(options: JobFileWatcherOptions): JobFileWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const dirs = options.dirs.filter((dir) => existsSync(dir));
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed || changed.size === 0) return;
    const files = [...changed].sort();
    changed.clear();
    options.onChange(files);
  };

  const watchers: FSWatcher[] = [];
  try {
    for (const dir of dirs) {
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        // Node leaves the name out on some platforms; a change somewhere is still a change.
        const name = file === null ? '' : String(file);
        if (name !== '' && !isWatchedSource(name)) return;
        changed.add(name === '' ? dir : join(dir, name));
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      });
      watcher.on('error', (error) => {
        options.logger.warn(
          'Stopped watching the job files; restart the local runtime to pick up changes to them',
          { dir, error: error.message },
        );
        watcher.close();
      });
      watchers.push(watcher);
    }
  } catch (error) {
    for (const watcher of watchers) watcher.close();
    throw error;
  }

  return {
    dirs,
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
