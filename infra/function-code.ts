import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundleFunctions } from './bundling';
import { groupByStack, jobStackName, type StackAssignment } from './stack-assignment';
import type { JobSource } from './validate-jobs';

/** A job's function's code, which may hold other jobs' entries too, and the entry it runs. */
export interface WorkerCode {
  readonly code: lambda.Code;
  /** `daily-report.handler`: the job's entry in the code. */
  readonly handler: string;
}

/** Code for the app's functions. One code asset may serve several jobs, each by its own entry. */
export interface FunctionCode {
  worker(jobName: string): WorkerCode;
  readonly api: lambda.Code;
  /** The alerts function's, which reads the executions table's stream. */
  readonly alerts: lambda.Code;
  /** The function's that switches paused jobs' schedules off again after a deploy. */
  readonly keepPaused: lambda.Code;
  /** The run sweeper's, which ends runs no worker will end. */
  readonly sweep: lambda.Code;
}

export interface BundleJobCodeOptions {
  /** The folder with `functions/` and the job files. */
  readonly projectRoot: string;
  readonly jobs: readonly JobSource[];
  readonly appName: string;
  /** The stack of each job: one code bundle per stack. */
  readonly stackAssignment: StackAssignment;
  /** @default 'bundle' */
  readonly awsSdk?: 'bundle' | 'runtime';
  /** @default `<projectRoot>/.cache/lambda` */
  readonly outDir?: string;
}

/**
 * Bundles the app's code as `ServerlessJobs` deploys it: one code asset per shard stack, shared
 * by the shard's functions, one for the API and one for the alerts function.
 */
export function bundleJobCode(options: BundleJobCodeOptions): FunctionCode {
  const { appName, stackAssignment } = options;
  const stacks = groupByStack(options.jobs, (source) => source.definition.name, stackAssignment);
  const bundles = bundleFunctions({
    projectRoot: options.projectRoot,
    workers: [...stacks].map(([stack, stackJobs]) => ({
      id: jobStackName(appName, stack),
      jobs: stackJobs.map((source) => ({ name: source.definition.name, file: source.file })),
    })),
    ...(options.awsSdk ? { awsSdk: options.awsSdk } : {}),
    ...(options.outDir ? { outDir: options.outDir } : {}),
  });
  // One Code per bundle: CDK stages an asset once per Code, and a shard's functions share it.
  const shardCode = new Map<string, lambda.Code>();
  return {
    worker: (jobName) => {
      const stack = stackAssignment.get(jobName);
      if (stack === undefined) throw new Error(`job ${jobName} has no stack to bundle it with`);
      const bundleId = jobStackName(appName, stack);
      let code = shardCode.get(bundleId);
      if (!code) {
        code = lambda.Code.fromAsset(bundles.workerDir(bundleId));
        shardCode.set(bundleId, code);
      }
      return { code, handler: `${jobName}.handler` };
    },
    api: lambda.Code.fromAsset(bundles.apiDir),
    alerts: lambda.Code.fromAsset(bundles.alertsDir),
    keepPaused: lambda.Code.fromAsset(bundles.keepPausedDir),
    sweep: lambda.Code.fromAsset(bundles.sweepDir),
  };
}
