// The CDK side, for any CDK app: `new ServerlessJobs(app, 'Jobs', { jobs: (await discoverJobs()).jobs })`.

export { API_ROUTES } from '../shared/api/api-routes';
export {
  type BundledJob,
  type BundleOptions,
  type Bundles,
  bundleFunctions,
  type WorkerBundle,
} from './bundling';
export {
  ALERTS_STREAM_SETTINGS,
  AlertsFunction,
  type AlertsFunctionProps,
  WEBHOOK_SECRET_TAG,
} from './constructs/alerts-function';
export { JobWorker, type JobWorkerProps, QUEUE_CLASS_SETTINGS } from './constructs/job-worker';
export {
  type BundleJobCodeOptions,
  bundleJobCode,
  type FunctionCode,
  type WorkerCode,
} from './function-code';
export { ResourceNames } from './naming';
export { ServerlessJobs, type ServerlessJobsProps } from './serverless-jobs';
export {
  assignJobsToStacks,
  formatStackAssignment,
  JOBS_PER_STACK,
  jobStackName,
  MAX_RESOURCES_PER_STACK,
  parseStackAssignment,
  STACK_ASSIGNMENT_FILE,
  type StackAssignment,
} from './stack-assignment';
export { readStackAssignment, settleStackAssignment } from './stack-assignment-file';
export { ControlStack, type ControlStackProps } from './stacks/control-stack';
export { DataStack, type DataStackProps } from './stacks/data-stack';
export { JobsShardStack, type JobsShardStackProps } from './stacks/jobs-shard-stack';
export {
  type DeploymentProblem,
  JobDeploymentError,
  type JobSource,
  validateJobsForDeployment,
} from './validate-jobs';
