import { createHash } from 'node:crypto';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ResourceNames } from '../shared/naming/resource-names';
import { WORKER_ENVIRONMENT } from '../shared/worker/worker-environment';

export { APP_NAME_PATTERN, ResourceNames } from '../shared/naming/resource-names';

/**
 * The settings every function of the app shares: the Node.js options, and where the tables and
 * queues are (read by `readWorkerEnvironment`). Also the fields every function's props share.
 */
export function sharedFunctionSettings(names: ResourceNames, account: string, serviceName: string) {
  return {
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    environment: {
      POWERTOOLS_SERVICE_NAME: serviceName,
      [WORKER_ENVIRONMENT.executionsTable]: names.tables.executions,
      [WORKER_ENVIRONMENT.jobStateTable]: names.tables.jobState,
      [WORKER_ENVIRONMENT.alertConfigTable]: names.tables.alertConfig,
      [WORKER_ENVIRONMENT.appName]: names.appName,
      [WORKER_ENVIRONMENT.accountId]: account,
    },
  } satisfies Partial<lambda.FunctionProps>;
}

/** Limits of the names AWS gives resources, for checks at synth. */
export const NAME_LIMITS = {
  functionName: 64,
  scheduleName: 64,
  queueName: 80,
} as const;

/** A short stable hash of a name, for logical ids and shard assignment. */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
