import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type DiscoveryProblem, JobDefinitionError, JobDiscoveryError } from '../shared/errors';
import { withJobName } from '../shared/job/define-job';
import {
  type AnyJobDefinition,
  type AnyNamedJobDefinition,
  isJobDefinition,
} from '../shared/job/job-definition';
import { jobNameFromFile } from '../shared/job/job-name';
import {
  type ClockChange,
  clockChanges,
  daylightSavingWarnings,
} from '../shared/schedule/daylight-saving';
import {
  buildFailureMessages,
  JobBuildError,
  loadJobModules,
  messageLocation,
} from './load-job-modules';

export const DEFAULT_JOBS_DIR = 'functions/jobs';
const JOB_FILE_SUFFIX = '.job.ts';

export interface DiscoverJobsOptions {
  /**
   * The project's root: the folder with its package.json.
   * @default - the current working directory
   */
  readonly projectRoot?: string;
  /**
   * Where job files live, relative to the project root.
   * @default 'functions/jobs'
   */
  readonly jobsDir?: string;
}

export interface DiscoveredJob {
  readonly definition: AnyNamedJobDefinition;
  /** The job file's absolute path. */
  readonly file: string;
  /** The job file's path relative to the project root, with forward slashes. */
  readonly relativeFile: string;
}

export interface DiscoveryResult {
  /** The jobs, in file path order. */
  readonly jobs: readonly DiscoveredJob[];
  /** Things that work but are probably not meant (a job named unlike its file). */
  readonly warnings: readonly string[];
}

/**
 * Finds every `*.job.ts` below the jobs folder, loads it and checks the set as a whole. Throws
 * JobDiscoveryError listing every problem (a file that fails to load, a default export that is
 * not a job, an invalid definition, two jobs with one name), each with its file.
 */
export async function discoverJobs(options: DiscoverJobsOptions = {}): Promise<DiscoveryResult> {
  const projectRoot = resolve(options.projectRoot ?? process.cwd());
  const jobsDir = resolve(projectRoot, options.jobsDir ?? DEFAULT_JOBS_DIR);
  const relativeTo = (file: string) => relative(projectRoot, file).split('\\').join('/');

  if (!existsSync(jobsDir) || !statSync(jobsDir).isDirectory()) {
    throw new JobDiscoveryError([
      {
        file: relativeTo(jobsDir),
        // The absolute path too: with the default project root, "here" is the working directory.
        message: `there is no jobs folder at ${jobsDir}; create it and add a job file, e.g. ${relativeTo(jobsDir)}/daily-report.job.ts, or run from the project's folder (the one with cdk.json; discoverJobs() takes it as projectRoot)`,
      },
    ]);
  }

  const files = findJobFiles(jobsDir);
  let loaded: Awaited<ReturnType<typeof loadJobModules>>;
  try {
    loaded = await loadJobModules(files, projectRoot);
  } catch (failure) {
    if (failure instanceof JobBuildError) {
      throw new JobDiscoveryError(
        failure.messages.map((message) => ({
          file: messageLocation(message, projectRoot) ?? relativeTo(jobsDir),
          message: `${message.text}${message.location ? ` (line ${message.location.line})` : ''}`,
        })),
      );
    }
    throw failure;
  }

  const problems: DiscoveryProblem[] = [];
  const warnings: string[] = [];
  const jobs: DiscoveredJob[] = [];
  for (const module of loaded) {
    const relativeFile = relativeTo(module.file);
    if ('error' in module) {
      problems.push({ file: relativeFile, message: describeLoadError(module.error, relativeFile) });
      continue;
    }
    const definition = module.exports.default;
    if (!isJobDefinition(definition)) {
      problems.push({
        file: relativeFile,
        message:
          definition === undefined
            ? 'has no default export; a job file ends with export default defineJob({ ... })'
            : 'its default export is not a job; export default defineJob({ ... }) from "#shared"',
      });
      continue;
    }
    const named = nameFromFile(definition, module.file, relativeFile, problems, warnings);
    if (named) jobs.push({ definition: named, file: module.file, relativeFile });
  }

  problems.push(...duplicateNames(jobs));
  if (problems.length > 0) throw new JobDiscoveryError(problems);
  warnings.push(...scheduleWarnings(jobs, new Date()));
  return { jobs, warnings };
}

/**
 * Schedules that fall in an hour daylight saving skips or repeats in the coming year, with what
 * Scheduler does then. Each zone's clock changes are found once, however many jobs use it.
 */
function scheduleWarnings(jobs: readonly DiscoveredJob[], now: Date): string[] {
  const changesByZone = new Map<string, readonly ClockChange[]>();
  const changesOf = (timezone: string, from: Date) => {
    let changes = changesByZone.get(timezone);
    if (!changes) {
      changes = clockChanges(timezone, from);
      changesByZone.set(timezone, changes);
    }
    return changes;
  };
  // Apps repeat their schedules: each is checked once.
  const messagesBySchedule = new Map<string, readonly string[]>();
  return jobs.flatMap(({ definition, relativeFile }) => {
    const { schedule } = definition;
    if (!schedule) return [];
    const key = `${schedule.expression} ${schedule.timezone}`;
    let messages = messagesBySchedule.get(key);
    if (!messages) {
      messages = daylightSavingWarnings(schedule, now, changesOf).map(({ message }) => message);
      messagesBySchedule.set(key, messages);
    }
    return messages.map((message) => `${relativeFile}: ${message}`);
  });
}

/** Every `*.job.ts` below `jobsDir`, skipping dependency and hidden folders, in path order. */
export function findJobFiles(jobsDir: string): string[] {
  const entries = readdirSync(jobsDir, { recursive: true, encoding: 'utf8' });
  return entries
    .filter(
      (entry) =>
        entry.endsWith(JOB_FILE_SUFFIX) &&
        !entry.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.')),
    )
    .map((entry) => (isAbsolute(entry) ? entry : join(jobsDir, entry)))
    .sort();
}

function nameFromFile(
  definition: AnyJobDefinition,
  file: string,
  relativeFile: string,
  problems: DiscoveryProblem[],
  warnings: string[],
): AnyNamedJobDefinition | undefined {
  const fileName = jobNameFromFile(file) ?? '';
  if (definition.name !== undefined && definition.displayName !== undefined) {
    if (definition.name !== fileName) {
      warnings.push(
        `${relativeFile} defines job "${definition.name}"; name the file ${definition.name}${JOB_FILE_SUFFIX} so that each job is easy to find`,
      );
    }
    return definition as AnyNamedJobDefinition;
  }
  try {
    return withJobName(definition, fileName) as AnyNamedJobDefinition;
  } catch (error) {
    if (!(error instanceof JobDefinitionError)) throw error;
    problems.push({
      file: relativeFile,
      message: `the file name gives the job its name, and ${error.issues[0]?.message}; rename the file or set name`,
    });
    return undefined;
  }
}

function duplicateNames(jobs: readonly DiscoveredJob[]): DiscoveryProblem[] {
  const filesByName = new Map<string, string[]>();
  for (const job of jobs) {
    const files = filesByName.get(job.definition.name) ?? [];
    files.push(job.relativeFile);
    filesByName.set(job.definition.name, files);
  }
  return [...filesByName].flatMap(([name, files]) =>
    files.length < 2
      ? []
      : files.map((file) => {
          const others = files.filter((other) => other !== file);
          return {
            file,
            message: `defines job "${name}", as ${others.length === 1 ? 'does' : 'do'} ${others.join(', ')}; job names must be unique`,
          };
        }),
  );
}

function describeLoadError(error: unknown, relativeFile: string): string {
  if (error instanceof JobDefinitionError) return error.message;
  const buildMessages = buildFailureMessages(error);
  if (buildMessages) {
    // The file's own errors as esbuild gave them; a module it imports, named with its errors.
    return buildMessages
      .map((message) => {
        const line = message.line === undefined ? '' : ` (line ${message.line})`;
        return message.file === relativeFile
          ? `${message.text}${line}`
          : `cannot load ${message.file}: ${message.text}${line}`;
      })
      .join('; ');
  }
  if (error instanceof Error) {
    const frame = error.stack
      ?.split('\n')
      .find((line) => /\.ts:\d+/.test(line))
      ?.trim();
    return `failed to load: ${error.name}: ${error.message}${frame ? ` (${frame})` : ''}`;
  }
  return `failed to load: ${String(error)}`;
}
