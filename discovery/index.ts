// Job discovery: used at synth time, by the CLI and by the local runtime; never in a Lambda.

export {
  DEFAULT_JOBS_DIR,
  type DiscoveredJob,
  type DiscoverJobsOptions,
  type DiscoveryResult,
  discoverJobs,
  findJobFiles,
} from './discover-jobs';
