import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '#shared/api';
import * as shared from '../../shared/index';

describe("'#shared', the entry job files import", () => {
  it('exports the values a job file uses, and no others', () => {
    expect(Object.keys(shared).sort()).toEqual([
      'EnqueueError',
      'InputValidationError',
      'JobDefinitionError',
      'JobResult',
      'JobTimeoutError',
      'JobsError',
      'NonRetriableError',
      'QUEUE_CLASSES',
      'RunCancelledError',
      'ScheduleExpression',
      'ScheduleExpressionError',
      'TRIGGERS',
      'UnknownJobError',
      'defineJob',
    ]);
  });

  it('exports nothing of the REST API: no handler factory, API Gateway adapter or route table', () => {
    const apiNames = [...Object.keys(api), 'API_ROUTES', 'routeKeyOf'];

    expect(apiNames).toEqual(
      expect.arrayContaining(['createApiHandler', 'apiGatewayHandler', 'apiRequestFromEvent']),
    );
    expect(Object.keys(shared).filter((name) => apiNames.includes(name))).toEqual([]);
  });

  it('re-exports no module of shared/api, types included', () => {
    const source = readFileSync(join(import.meta.dirname, '../../shared/index.ts'), 'utf8');

    expect(source).not.toMatch(/from '\.\/api\b/);
  });
});

describe("'#shared/api', the REST API's entry", () => {
  it('exports the handler factory and the API Gateway adapter', () => {
    expect(typeof api.createApiHandler).toBe('function');
    expect(typeof api.apiGatewayHandler).toBe('function');
  });
});
