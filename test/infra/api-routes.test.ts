import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HttpJobsApi, type HttpRequestSpec } from '../../cli/api-client';
import { createApiHandler } from '../../shared/api/create-api-handler';
import { JobControl } from '../../shared/control/job-control';
import { RunCancel } from '../../shared/control/run-cancel';
import { RunTrigger } from '../../shared/control/run-trigger';
import { JobRegistry } from '../../shared/executor/job-registry';
import { defineJob } from '../../shared/job/define-job';
import { InMemoryAlertConfigStore } from '../../shared/stores/in-memory-alert-config-store';
import { InMemoryExecutionStore } from '../../shared/stores/in-memory-execution-store';
import { InMemoryJobStateStore } from '../../shared/stores/in-memory-job-state-store';
import { noDeadLetters } from '../support/no-dead-letters';
import { buildJobsApp, SYNTH_TIMEOUT_MS } from './jobs-app';

/**
 * HTTP API route selection, as API Gateway documents it for routes without a greedy variable:
 * the method must be the route's (no ANY route is deployed), and the path must have the
 * route's segments, a `{variable}` matching any one segment and the rest exactly. A request
 * that matches no route is answered 404 by API Gateway, before any integration runs.
 */
function gatewayRouteFor(routeKeys: readonly string[], method: string, path: string) {
  const segments = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  return routeKeys.find((key) => {
    const [routeMethod, routePath = ''] = key.split(' ');
    const routeSegments = routePath.split('/').filter(Boolean);
    return (
      routeMethod === method &&
      routeSegments.length === segments.length &&
      routeSegments.every(
        (segment, index) => /^\{\w+\}$/.test(segment) || segment === segments[index],
      )
    );
  });
}

function deployedRouteKeys(): string[] {
  const { jobs } = buildJobsApp();
  const routes = Template.fromStack(jobs.controlStack).findResources('AWS::ApiGatewayV2::Route');
  return Object.values(routes).map(
    (route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey,
  );
}

/** The REST API's handler over in-memory stores, with one job. */
function apiHandler() {
  const jobs = JobRegistry.from([
    defineJob({ name: 'daily-report', schedule: { rate: '1 day' }, run: async () => {} }),
  ]);
  const history = new InMemoryExecutionStore();
  const jobStateStore = new InMemoryJobStateStore();
  return createApiHandler({
    jobs,
    history: Object.assign(history, {
      listRuns: async () => ({ items: [] }),
      listRecentRuns: async () => ({ items: [] }),
      listRecentFailures: async () => ({ items: [] }),
    }),
    jobStateStore,
    jobControl: new JobControl({ jobs, jobStateStore }),
    deadLetters: noDeadLetters,
    runCancel: new RunCancel({ jobs, cancellations: history }),
    runTrigger: new RunTrigger({
      jobs,
      history,
      enqueuer: { enqueue: async () => {} },
    }),
    alertConfigStore: new InMemoryAlertConfigStore(),
  });
}

/** What the handler answers a request it has no route for: 404 or 405, naming what it serves. */
function isNoRoute(status: number, body: string) {
  return (status === 404 || status === 405) && /There is no route|not allowed/i.test(body);
}

describe("the deployed HTTP API's routes", () => {
  it(
    'reach every route the handler says it serves',
    async () => {
      const handler = apiHandler();
      // The handler lists the routes it serves when it is asked for one it does not.
      const answer = await handler({ method: 'GET', path: '/no-such-route', query: {} });
      const served =
        /The API serves: (.*)\.$/.exec(JSON.parse(answer.body).message)?.[1]?.split(', ') ?? [];
      const deployed = deployedRouteKeys();

      const unreachable = served.filter((route) => {
        const [method = '', path = ''] = route.split(' ');
        const concrete = path.replaceAll(/\{\w+\}/g, 'x');
        return gatewayRouteFor(deployed, method, concrete) === undefined;
      });

      expect(served.length).toBeGreaterThanOrEqual(14);
      expect(unreachable).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it('reach every call the CLI makes, each of which the handler serves', async () => {
    const handler = apiHandler();
    const calls: (HttpRequestSpec & { status: number; body: string })[] = [];
    const api = new HttpJobsApi('test', async (request) => {
      const [path = '', search = ''] = request.path.split('?');
      const answer = await handler({
        method: request.method,
        path,
        query: Object.fromEntries(new URLSearchParams(search)),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      calls.push({ ...request, status: answer.statusCode, body: answer.body });
      return { status: answer.statusCode, text: answer.body };
    });
    const settle = (call: Promise<unknown>) => call.catch(() => undefined);

    await settle(api.listJobs());
    await settle(api.getJob('daily-report'));
    await settle(api.triggerRun('daily-report', {}));
    await settle(api.getRun('daily-report', 'run-1'));
    await settle(api.listRuns('daily-report', { limit: 5 }));
    await settle(api.pause('daily-report'));
    await settle(api.resume('daily-report'));
    await settle(api.getAlerts('daily-report'));
    await settle(api.putAlerts('daily-report', { onFailure: true }));
    await settle(api.patchAlerts('daily-report', { onSuccess: true }));
    const deployed = deployedRouteKeys();

    expect(calls).toHaveLength(10);
    expect(calls.filter((call) => isNoRoute(call.status, call.body))).toEqual([]);
    expect(calls.filter((call) => !gatewayRouteFor(deployed, call.method, call.path))).toEqual([]);
  });
});
