export const MAX_JOB_NAME_LENGTH = 48;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const JOB_FILE = /([^/\\]+)\.job\.[cm]?[jt]s$/;
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

/**
 * The nearest job file among a stack trace's frames: "at fn (file:///x/y.job.ts:3:7)",
 * "at /x/y.job.ts:3:7", "at file:///C:/x/y.job.ts:3:7", "at C:\\x\\y.job.ts:3:7". Read line by
 * line without a pattern over the whole frame: one that backtracks over long paths cost more
 * than loading the job.
 */
export function jobFileFromStack(stack: string | undefined): string | undefined {
  for (const frame of (stack ?? '').split('\n')) {
    const line = frame.trim();
    if (!line.startsWith('at ')) continue;
    let location = line.slice(3);
    const open = location.lastIndexOf('(');
    if (open >= 0 && location.endsWith(')')) location = location.slice(open + 1, -1);
    location = location.replace(/(?::\d+){1,2}$/, '');
    if (!JOB_FILE.test(location)) continue;
    if (!location.startsWith('file://')) return location;
    // The drive letter of a Windows file URL keeps no leading slash: file:///C:/x -> C:/x.
    return decodeFileUrlPath(location.slice('file://'.length).replace(/^\/(?=[A-Za-z]:)/, ''));
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
