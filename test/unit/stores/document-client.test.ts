import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClientFor } from '../../../shared/stores/dynamodb/document-client';

describe('documentClientFor', () => {
  it('gives the stores on one DynamoDB client one document client, and another client its own', () => {
    const client = new DynamoDBClient({ region: 'eu-west-2' });
    const other = new DynamoDBClient({ region: 'eu-west-2' });

    const executions = documentClientFor({ client });
    const jobState = documentClientFor({ client });

    expect(jobState).toBe(executions);
    expect(documentClientFor({ client: other })).not.toBe(executions);
    expect(executions.config.translateConfig?.marshallOptions).toMatchObject({
      removeUndefinedValues: true,
    });
  });
});
