/**
 * How a job's new code goes out, by the names CDK gives Lambda's predefined CodeDeploy
 * configurations (`LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES` is `canary10Percent5Minutes`):
 * a canary sends 10% of the job's runs to the new version for the given time, then all; a linear
 * deployment adds 10% at each step; all at once moves every run at once, with the same alarms
 * watching and rolling back.
 */
export const DEPLOYMENT_STRATEGIES = [
  'allAtOnce',
  'canary10Percent5Minutes',
  'canary10Percent10Minutes',
  'canary10Percent15Minutes',
  'canary10Percent30Minutes',
  'linear10PercentEvery1Minute',
  'linear10PercentEvery2Minutes',
  'linear10PercentEvery3Minutes',
  'linear10PercentEvery10Minutes',
] as const;

export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** The alias the job's queue invokes, and that a deployment or a rollback moves. */
export const LIVE_ALIAS = 'live';

/** The tag of a deployed job's function that names its CodeDeploy application. */
export const DEPLOYMENT_APPLICATION_TAG = 'jobs:deployment-application';
