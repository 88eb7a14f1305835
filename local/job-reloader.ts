import { relative } from 'node:path';
import type { DiscoveryResult } from '../discovery/discover-jobs';
import type { AnyNamedJobDefinition } from '../shared/job/job-definition';
import type { Logger } from '../shared/ports/logger';
import { type JobFileWatcher, watchJobFiles } from './job-file-watcher';

/** What one reload of the job files did. */
export type JobReload =
  | {
      readonly ok: true;
      /** The files whose change started it, relative to the project root. */
      readonly changedFiles: readonly string[];
      readonly added: readonly string[];
      readonly removed: readonly string[];
      /** Jobs that were running before and whose own job file changed. */
      readonly changed: readonly string[];
      /** Every job now running, each on its code as the files hold it now. */
      readonly jobs: readonly string[];
    }
  | {
      readonly ok: false;
      readonly changedFiles: readonly string[];
      /** Why the files could not be loaded; the jobs that were running keep running. */
      readonly error: Error;
      readonly jobs: readonly string[];
    };

export interface JobReloaderOptions {
  readonly projectRoot: string;
  /** Folders whose changes start a reload. */
  readonly watchDirs: readonly string[];
  /** The names of the jobs running now. */
  readonly jobNames: readonly string[];
  /** Finds and loads the job files again. */
  readonly discover: () => Promise<DiscoveryResult>;
  /** Puts these jobs in place of the running ones. */
  readonly apply: (jobs: readonly AnyNamedJobDefinition[]) => Promise<void>;
  readonly logger: Logger;
  /** Told of each reload, after it is done. @default - each reload is logged */
  readonly onReload?: (reload: JobReload) => void;
  /** @default 200 */
  readonly debounceMs?: number;
}

export interface JobReloader {
  /** The folders it watches; empty when the system would not let it watch. */
  readonly watching: readonly string[];
  /** Loads the job files again now, after any reload in progress. */
  reload(changedFiles?: readonly string[]): Promise<JobReload>;
  /** Stops watching and waits for a reload in progress. */
  close(): Promise<void>;
}

/**
 * Loads the job files again whenever they (or the code beside them) change, and hands the jobs
 * to the runtime: new jobs start, changed jobs run their new code, removed jobs stop. Files that
 * do not load leave the last good jobs running, and the reload says why. Reloads run one at a
 * time; changes made during one start another.
 */
export function startJobReloader(options: JobReloaderOptions): JobReloader {
  let running = [...options.jobNames];
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const relativeTo = (file: string) =>
    relative(options.projectRoot, file).split('\\').join('/') || '.';

  const reloadOnce = async (changedFiles: readonly string[]): Promise<JobReload> => {
    let discovered: DiscoveryResult;
    try {
      discovered = await options.discover();
    } catch (error) {
      return { ok: false, changedFiles, error: asError(error), jobs: running };
    }
    for (const warning of discovered.warnings) options.logger.warn(warning);
    const names = discovered.jobs.map((job) => job.definition.name);
    try {
      await options.apply(discovered.jobs.map((job) => job.definition));
    } catch (error) {
      return { ok: false, changedFiles, error: asError(error), jobs: running };
    }
    const before = new Set(running);
    const changedSet = new Set(changedFiles);
    running = names;
    return {
      ok: true,
      changedFiles,
      added: names.filter((name) => !before.has(name)),
      removed: [...before].filter((name) => !names.includes(name)),
      changed: discovered.jobs
        .filter((job) => before.has(job.definition.name) && changedSet.has(job.relativeFile))
        .map((job) => job.definition.name),
      jobs: names,
    };
  };

  const reload = (files: readonly string[] = []): Promise<JobReload> => {
    const changedFiles = files.map(relativeTo);
    const done = queue.then(() => reloadOnce(changedFiles));
    queue = done.catch(() => undefined);
    return done.then((result) => {
      report(result);
      return result;
    });
  };

  const report = (result: JobReload) => {
    // A listener tells people itself (npm run dev prints a line); the log is for when none does.
    if (options.onReload) {
      try {
        options.onReload(result);
      } catch (error) {
        options.logger.error('A listener of job reloads failed', { error: asError(error).message });
      }
      return;
    }
    if (result.ok) {
      options.logger.info('Reloaded the job files', {
        changedFiles: result.changedFiles,
        added: result.added,
        removed: result.removed,
        changed: result.changed,
        jobs: result.jobs,
      });
    } else {
      options.logger.error(
        'The job files changed but could not be loaded; the jobs that were running keep running',
        { changedFiles: result.changedFiles, error: result.error.message },
      );
    }
  };

  let watcher: JobFileWatcher | undefined;
  try {
    watcher = watchJobFiles({
      dirs: options.watchDirs,
      ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
      logger: options.logger,
      onChange: (files) => {
        if (!closed) void reload(files);
      },
    });
  } catch (error) {
    options.logger.warn(
      'Cannot watch the job files, so changes to them are not picked up: restart the local runtime after changing one',
      { dirs: options.watchDirs, error: asError(error).message },
    );
  }

  return {
    watching: watcher?.dirs ?? [],
    reload,
    close: async () => {
      closed = true;
      watcher?.close();
      await queue;
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
