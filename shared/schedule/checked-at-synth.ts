/**
 * True in the functions' bundles, which bundleFunctions builds at synth from the job files
 * discovery had just loaded, so every schedule in them was parsed and checked then. A function
 * then parses a job's schedule when it is first read (a worker never reads it), skips what only
 * checks (reading the runtime's list of time zones, about 3 ms; an `at` time being ahead, which
 * it no longer is when its run starts) and builds the cron evaluator when it is first used
 * (bench/lambda-bundle.bench.ts).
 */
declare const JOBS_SCHEDULES_CHECKED_AT_SYNTH: boolean | undefined;

export const schedulesCheckedAtSynth =
  typeof JOBS_SCHEDULES_CHECKED_AT_SYNTH === 'boolean' && JOBS_SCHEDULES_CHECKED_AT_SYNTH;
