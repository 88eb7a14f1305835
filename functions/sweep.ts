import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JobRegistry } from '../shared/executor/job-registry';
import type { AnyJobDefinition } from '../shared/job/job-definition';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { DynamoDbExecutionStore } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { DynamoDbJobStateStore } from '../shared/stores/dynamodb/dynamodb-job-state-store';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { createMissedRunCheck } from '../shared/sweep/missed-runs';
import { createRunSweep } from '../shared/sweep/run-sweep';
import { createSweepHandler } from '../shared/sweep/sweep-handler';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';

/**
 * The run sweeper function's handler, built once per container: it ends the runs no worker will
 * end, then compares the jobs' schedules with their runs (its bundle holds every job, for their
 * schedules).
 */
export function sweepHandler(jobs: readonly AnyJobDefinition[]) {
  const { tables } = readWorkerEnvironment();
  const observability = lambdaObservability({ serviceName: 'jobs-run-sweeper' });
  const client = new DynamoDBClient(SDK_RETRY_SETTINGS);
  const store = new DynamoDbExecutionStore({ client, tableName: tables.executions });
  const registry = JobRegistry.from(jobs);
  const sweeper = createRunSweep({
    store,
    logger: observability.logger,
    missedRuns: createMissedRunCheck({
      jobs: () => registry.all(),
      recorder: store,
      marks: new DynamoDbJobStateStore({ client, tableName: tables.jobState }),
      logger: observability.logger,
    }),
  });
  return lambdaHandler(createSweepHandler(sweeper), observability);
}
