import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  GetFunctionCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiResponseError } from '../../../cli/errors';
import { cli, details, fakeApi } from './cli-harness';

const lambda = mockClient(LambdaClient);
const codeDeploy = mockClient(CodeDeployClient);
const REMOTE = ['--remote', 'acme-control'];
const FUNCTION = 'acme_daily-report';

beforeEach(() => {
  lambda.reset();
  codeDeploy.reset();
  lambda
    .on(GetFunctionCommand)
    .resolves({ Tags: { 'jobs:deployment-application': 'acme-shard-03' } });
  lambda.on(ListVersionsByFunctionCommand).resolves({
    Versions: [
      { Version: '$LATEST', LastModified: '2026-12-06T09:00:00.000+0000' },
      { Version: '6', LastModified: '2026-12-01T09:00:00.000+0000' },
      { Version: '7', LastModified: '2026-12-05T09:00:00.000+0000' },
      { Version: '5', LastModified: '2026-11-20T09:00:00.000+0000' },
    ],
  });
  lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1' });
  lambda.on(UpdateAliasCommand).resolves({});
  codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
});

afterEach(() => {
  lambda.reset();
  codeDeploy.reset();
});

const api = () => fakeApi({ getJob: async (name) => details({ name }) });

/** A finished deployment of the alias to `target`, as BatchGetDeployments describes it. */
function deployment(id: string, target: string, status: string, completeTime?: string) {
  return {
    deploymentId: id,
    status: status as never,
    createTime: new Date(completeTime ?? '2026-12-06T10:00:00Z'),
    ...(completeTime ? { completeTime: new Date(completeTime) } : {}),
    revision: {
      revisionType: 'AppSpecContent' as const,
      appSpecContent: {
        content: JSON.stringify({
          version: 0.0,
          Resources: [
            {
              [FUNCTION]: {
                Type: 'AWS::Lambda::Function',
                Properties: {
                  Name: FUNCTION,
                  Alias: 'live',
                  CurrentVersion: '6',
                  TargetVersion: target,
                },
              },
            },
          ],
        }),
      },
    },
  };
}

describe('jobctl rollback', () => {
  it('points the live alias at the previous version at once, saying who rolled back what', async () => {
    const { code, stdout } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(0);
    const [update] = lambda.commandCalls(UpdateAliasCommand);
    expect(update?.args[0].input).toEqual({
      FunctionName: FUNCTION,
      Name: 'live',
      FunctionVersion: '6',
      // No share of the runs left on the version rolled back from.
      RoutingConfig: { AdditionalVersionWeights: {} },
      Description: expect.stringMatching(/^Rolled back from version 7 to 6 by .+ at 2026-/),
      // Lambda refuses the update if the alias moved since it was read (a deploy, another rollback).
      RevisionId: 'rev-1',
    });
    expect(stdout).toContain('Rolled daily-report back from version 7 to 6');
    expect(codeDeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  it('during a canary, stops the deployment and puts every run back on the version it shifts from', async () => {
    // A canary of 8: the alias still names 7, with 10% of the runs on 8.
    lambda.on(GetAliasCommand).resolves({
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
      RevisionId: 'rev-2',
    });
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-RUNNING'] });
    codeDeploy
      .on(BatchGetDeploymentsCommand)
      .resolves({ deploymentsInfo: [deployment('d-RUNNING', '8', 'InProgress')] });
    codeDeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });

    const { code, stdout } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(0);
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]?.args[0].input).toMatchObject({
      applicationName: 'acme-shard-03',
      deploymentGroupName: FUNCTION,
    });
    expect(codeDeploy.commandCalls(StopDeploymentCommand)[0]?.args[0].input).toEqual({
      deploymentId: 'd-RUNNING',
      autoRollbackEnabled: true,
    });
    // Back to 7, the good version, not a step further.
    expect(lambda.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toMatchObject({
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'rev-2',
    });
    expect(stdout).toContain('Stopped deployment d-RUNNING');
    expect(stdout).toContain('Rolled daily-report back from version 8 to 7');
  });

  it('accepts that CodeDeploy’s own rollback got the alias there first', async () => {
    lambda
      .on(GetAliasCommand)
      .resolvesOnce({
        Name: 'live',
        FunctionVersion: '7',
        RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
        RevisionId: 'rev-2',
      })
      .resolvesOnce({
        Name: 'live',
        FunctionVersion: '7',
        RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
        RevisionId: 'rev-2',
      })
      .resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-3' });
    lambda
      .on(UpdateAliasCommand)
      .rejects(
        new PreconditionFailedException({ message: 'The RevisionId changed', $metadata: {} }),
      );

    const { code } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(0);
  });

  it('goes back to the last version a deployment made live, never to one that was rolled back', async () => {
    lambda
      .on(GetAliasCommand)
      .resolves({ Name: 'live', FunctionVersion: '8', RevisionId: 'rev-1' });
    lambda.on(ListVersionsByFunctionCommand).resolves({
      Versions: ['5', '6', '7', '8'].map((Version) => ({
        Version,
        LastModified: '2026-12-01T09:00:00.000+0000',
      })),
    });
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-8', 'd-7', 'd-6'] });
    codeDeploy.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        deployment('d-8', '8', 'Succeeded', '2026-12-05T09:25:00Z'),
        // 7 failed its canary and was rolled back.
        deployment('d-7', '7', 'Stopped', '2026-12-03T09:25:00Z'),
        deployment('d-6', '6', 'Succeeded', '2026-12-01T09:25:00Z'),
      ],
    });

    const { code, stdout } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(0);
    expect(lambda.commandCalls(UpdateAliasCommand)[0]?.args[0].input.FunctionVersion).toBe('6');
    expect(stdout).toContain('from version 8 to 6');
  });

  it('fails loudly when it cannot read the tags that name the job’s deployments', async () => {
    // GetFunction leaves the tags out for a caller without lambda:ListTags.
    lambda.on(GetFunctionCommand).resolves({});

    const { code, stderr } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(1);
    expect(stderr).toContain('needs lambda:ListTags');
    expect(lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('says there is nothing to roll back to when the live version is the first', async () => {
    lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '5' });

    const { code, stderr } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(1);
    expect(stderr).toContain('daily-report has no version before 5 that went live to roll back to');
    expect(lambda.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('explains that a job without a deployment has no versions', async () => {
    lambda
      .on(GetAliasCommand)
      .rejects(new ResourceNotFoundException({ message: 'Alias not found', $metadata: {} }));

    const { code, stderr } = await cli([...REMOTE, 'rollback', 'daily-report'], { api: api() });

    expect(code).toBe(1);
    expect(stderr).toContain(
      "only a job with a deployment (defineJob({ deployment: 'canary10Percent5Minutes' })",
    );
  });

  it("refuses an unknown job with the API's message, before touching Lambda", async () => {
    const unknown = fakeApi({
      getJob: async () => {
        throw new ApiResponseError(
          404,
          {
            error: 'not_found',
            message: 'There is no job named "daily-reprot"; did you mean "daily-report"?',
          },
          '',
        );
      },
    });

    const { code, stderr } = await cli([...REMOTE, 'rollback', 'daily-reprot'], { api: unknown });

    expect(code).toBe(1);
    expect(stderr).toContain('did you mean "daily-report"');
    expect(lambda.calls()).toHaveLength(0);
  });

  it('needs a deployed app (exit 2)', async () => {
    const { code, stderr } = await cli(['rollback', 'daily-report']);

    expect(code).toBe(2);
    expect(stderr).toContain(
      'pass its control stack, npx jobctl --remote <app>-control rollback daily-report',
    );
  });
});

describe('jobctl versions', () => {
  it('lists the versions newest first, when each went live, and which the alias runs', async () => {
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-7', 'd-6'] });
    codeDeploy.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        deployment('d-6', '6', 'Succeeded', '2026-12-01T09:20:00Z'),
        deployment('d-7', '7', 'Succeeded', '2026-12-05T09:25:00Z'),
      ],
    });

    const { code, stdout } = await cli([...REMOTE, 'versions', 'daily-report', '--json'], {
      api: api(),
    });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      functionName: FUNCTION,
      liveVersion: '7',
      versions: [
        {
          version: '7',
          publishedAt: '2026-12-05T09:00:00.000+0000',
          wentLiveAt: '2026-12-05T09:25:00.000Z',
          live: true,
        },
        {
          version: '6',
          publishedAt: '2026-12-01T09:00:00.000+0000',
          wentLiveAt: '2026-12-01T09:20:00.000Z',
          live: false,
        },
        { version: '5', publishedAt: '2026-11-20T09:00:00.000+0000', live: false },
      ],
    });
  });

  it('shows the share of runs each version takes while a canary shifts them', async () => {
    lambda.on(GetAliasCommand).resolves({
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
    });
    lambda.on(ListVersionsByFunctionCommand).resolves({
      Versions: [
        { Version: '8', LastModified: '2026-12-06T10:00:00.000+0000' },
        { Version: '7', LastModified: '2026-12-05T09:00:00.000+0000' },
      ],
    });
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-8'] });
    codeDeploy
      .on(BatchGetDeploymentsCommand)
      .resolves({ deploymentsInfo: [deployment('d-8', '8', 'InProgress')] });

    const { code, stdout } = await cli([...REMOTE, 'versions', 'daily-report'], { api: api() });

    expect(code).toBe(0);
    expect(stdout).toContain('Deployment d-8 is shifting it now.');
    expect(stdout).toMatch(/^8 +10% /m);
    expect(stdout).toMatch(/^7 +90% /m);
  });
});
