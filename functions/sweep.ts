import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lambdaHandler, lambdaObservability } from '../shared/lambda/lambda-handler';
import { DynamoDbExecutionStore } from '../shared/stores/dynamodb/dynamodb-execution-store';
import { SDK_RETRY_SETTINGS } from '../shared/support/sdk-retry-settings';
import { createRunSweep } from '../shared/sweep/run-sweep';
import { createSweepHandler } from '../shared/sweep/sweep-handler';
import { readWorkerEnvironment } from '../shared/worker/worker-environment';

/** The run sweeper function's handler, built once per container. */
export function sweepHandler() {
  const { tables } = readWorkerEnvironment();
  const observability = lambdaObservability({ serviceName: 'jobs-run-sweeper' });
  const sweeper = createRunSweep({
    store: new DynamoDbExecutionStore({
      client: new DynamoDBClient(SDK_RETRY_SETTINGS),
      tableName: tables.executions,
    }),
    logger: observability.logger,
  });
  return lambdaHandler(createSweepHandler(sweeper), observability);
}
