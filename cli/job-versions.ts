import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type DeploymentStatus,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAliasCommand,
  GetFunctionCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { DEPLOYMENT_APPLICATION_TAG, LIVE_ALIAS } from '../shared/job/deployment';
import { CliError } from './errors';

/** One published version of a job's worker. */
export interface JobVersion {
  readonly version: string;
  /** When Lambda published it (ISO). */
  readonly publishedAt: string;
  /** When a deployment finished moving the live alias to it, the latest such time (ISO). */
  readonly wentLiveAt?: string;
  /** Whether the live alias points at it, and with what share of the runs. */
  readonly live: boolean;
  readonly weight?: number;
  readonly description?: string;
}

export interface JobVersionsReport {
  readonly functionName: string;
  /** The version the live alias points at. */
  readonly liveVersion: string;
  /** The deployment that shifts the alias now, when one does. */
  readonly deploymentInProgress?: string;
  /** Newest first. */
  readonly versions: readonly JobVersion[];
  /** The alias's description: who rolled it back, and when, after a rollback. */
  readonly aliasDescription?: string;
}

export interface RollbackResult {
  readonly functionName: string;
  readonly from: string;
  readonly to: string;
  readonly by: string;
  readonly at: string;
  /** The deployment that was stopped, when one was in progress. */
  readonly stoppedDeployment?: string;
}

/** The CodeDeploy deployments that may still move the alias. */
const RUNNING_DEPLOYMENT_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

/**
 * A deployed job's versions and its `live` alias, read and moved with the Lambda and CodeDeploy
 * APIs and the caller's own credentials: `jobctl versions` and `jobctl rollback`.
 */
export class JobVersions {
  constructor(
    private readonly clients: {
      readonly lambda: LambdaClient;
      readonly codeDeploy: CodeDeployClient;
    },
    private readonly functionName: string,
    private readonly jobName: string,
  ) {}

  async report(): Promise<JobVersionsReport> {
    const alias = await this.alias();
    const [versions, deployments] = await Promise.all([
      this.versions(),
      this.deployments(['Succeeded', ...RUNNING_DEPLOYMENT_STATUSES]),
    ]);
    const wentLive = new Map<string, string>();
    for (const deployment of deployments) {
      const target = targetVersionOf(deployment);
      const done = deployment.completeTime?.toISOString();
      if (deployment.status !== 'Succeeded' || !target || !done) continue;
      if ((wentLive.get(target) ?? '') < done) wentLive.set(target, done);
    }
    const running = deployments.find((deployment) =>
      RUNNING_DEPLOYMENT_STATUSES.some((status) => status === deployment.status),
    );
    const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
    const shifted = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
    return {
      functionName: this.functionName,
      liveVersion: alias.FunctionVersion ?? '',
      ...(running?.deploymentId ? { deploymentInProgress: running.deploymentId } : {}),
      ...(alias.Description ? { aliasDescription: alias.Description } : {}),
      versions: versions.map((version) => {
        const isPrimary = version.Version === alias.FunctionVersion;
        const extra = weights[version.Version ?? ''];
        const wentLiveAt = wentLive.get(version.Version ?? '');
        return {
          version: version.Version ?? '',
          publishedAt: version.LastModified ?? '',
          ...(wentLiveAt ? { wentLiveAt } : {}),
          live: isPrimary || extra !== undefined,
          ...(isPrimary && shifted > 0 ? { weight: 1 - shifted } : {}),
          ...(extra !== undefined ? { weight: extra } : {}),
          ...(version.Description ? { description: version.Description } : {}),
        };
      }),
    };
  }

  /**
   * Points the live alias at the version before the one it points at, at once: a deployment in
   * progress is stopped first (CodeDeploy moves the alias back itself), and the alias's
   * description says who rolled back what. Refused when the alias moved meanwhile.
   */
  async rollback(by: string, now: Date): Promise<RollbackResult> {
    const running = (await this.deployments(RUNNING_DEPLOYMENT_STATUSES))[0];
    if (running?.deploymentId) {
      await this.clients.codeDeploy.send(
        new StopDeploymentCommand({
          deploymentId: running.deploymentId,
          autoRollbackEnabled: true,
        }),
      );
    }
    const alias = await this.alias();
    const from = alias.FunctionVersion ?? '';
    const published = (await this.versions()).map((version) => version.Version ?? '');
    const to = published.find((version) => Number(version) < Number(from));
    if (to === undefined) {
      throw new CliError(
        `${this.jobName} has no version before ${from} to roll back to: its earlier versions were never published or were deleted. Deploy the code you want instead.`,
      );
    }
    const at = now.toISOString();
    await this.clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: this.functionName,
        Name: LIVE_ALIAS,
        FunctionVersion: to,
        RoutingConfig: { AdditionalVersionWeights: {} },
        Description: `Rolled back from version ${from} to ${to} by ${by} at ${at}`,
        ...(alias.RevisionId ? { RevisionId: alias.RevisionId } : {}),
      }),
    );
    return {
      functionName: this.functionName,
      from,
      to,
      by,
      at,
      ...(running?.deploymentId ? { stoppedDeployment: running.deploymentId } : {}),
    };
  }

  private async alias() {
    try {
      return await this.clients.lambda.send(
        new GetAliasCommand({ FunctionName: this.functionName, Name: LIVE_ALIAS }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new CliError(
          `${this.jobName} has no ${LIVE_ALIAS} alias (function ${this.functionName}): only a job with a deployment (defineJob({ deployment: 'canary10Percent5Minutes' }), or the app's default) runs behind versions. Its code changes with the next deploy.`,
        );
      }
      throw error;
    }
  }

  /** Published versions, newest first ($LATEST is not one). */
  private async versions() {
    const found = [];
    let marker: string | undefined;
    do {
      const page = await this.clients.lambda.send(
        new ListVersionsByFunctionCommand({
          FunctionName: this.functionName,
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      found.push(...(page.Versions ?? []).filter((version) => version.Version !== '$LATEST'));
      marker = page.NextMarker;
    } while (marker);
    return found.sort((a, b) => Number(b.Version) - Number(a.Version));
  }

  /** The job's deployments in these statuses, newest first, from its function's tag. */
  private async deployments(statuses: readonly DeploymentStatus[]): Promise<DeploymentInfo[]> {
    const { Tags } = await this.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: this.functionName }),
    );
    const applicationName = Tags?.[DEPLOYMENT_APPLICATION_TAG];
    if (!applicationName) return [];
    const { deployments: ids = [] } = await this.clients.codeDeploy.send(
      new ListDeploymentsCommand({
        applicationName,
        deploymentGroupName: this.functionName,
        includeOnlyStatuses: [...statuses],
      }),
    );
    if (ids.length === 0) return [];
    // BatchGetDeployments takes at most 25 ids; the newest 25 are the ones that matter.
    const { deploymentsInfo = [] } = await this.clients.codeDeploy.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(0, 25) }),
    );
    return deploymentsInfo.sort(
      (a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0),
    );
  }
}

/** The version a Lambda deployment moves the alias to, from its AppSpec (JSON or YAML). */
export function targetVersionOf(deployment: DeploymentInfo): string | undefined {
  const content = deployment.revision?.appSpecContent?.content ?? '';
  return /"?TargetVersion"?\s*:\s*"?(\d+)/.exec(content)?.[1];
}
