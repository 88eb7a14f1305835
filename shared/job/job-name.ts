export const MAX_JOB_NAME_LENGTH = 48;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const JOB_FILE = /([^/\\]+)\.job\.[cm]?[jt]s$/;
// A stack frame's file: "at fn (file:///x/y.job.ts:3:7)", "at /x/y.job.ts:3:7", "at file:///x/y.job.ts:3:7",
// "at file:///C:/x/y.job.ts:3:7" (the drive letter keeps no leading slash), "at C:\\x\\y.job.ts:3:7".
const STACK_JOB_FILE =
  /(file:\/\/(?:\/(?=[A-Za-z]:))?)?((?:[A-Za-z]:)?[^\s()]*?[^/\\\s()]+\.job\.[cm]?[jt]s)(?::\d+){0,2}\)?$/;

/** Why `name` is not a valid job name, or undefined when it is. */
export function jobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty; use lower-case kebab, such as "daily-report"';
  if (name.length > MAX_JOB_NAME_LENGTH) {
    return `"${name}" is ${name.length} characters long; a job name has at most ${MAX_JOB_NAME_LENGTH}, so shorten it`;
  }
  if (!KEBAB.test(name)) {
    const suggestion = name
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    return `"${name}" is not lower-case kebab (a-z, 0-9, single hyphens between words)${suggestion ? `; try "${suggestion}"` : ''}`;
  }
  return undefined;
}

/** `daily-report` for `functions/jobs/daily-report.job.ts`; undefined if it is not a job file. */
export function jobNameFromFile(path: string): string | undefined {
  return JOB_FILE.exec(path)?.[1];
}

/** The job file that called `defineJob`, read from a stack trace. */
export function jobFileFromStack(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n')) {
    const match = STACK_JOB_FILE.exec(line.trim());
    const file = match?.[2];
    if (file) return match?.[1] ? decodeFileUrlPath(file) : file;
  }
  return undefined;
}

// A file URL escapes spaces and other characters ("my%20project"); a bad escape is kept as written.
function decodeFileUrlPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
