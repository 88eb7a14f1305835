import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
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
/** How many of a job's deployments the commands read, newest first. */
const MAX_DEPLOYMENTS_READ = 100;

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
    const applicationName = await this.applicationName();
    const [versions, deployments] = await Promise.all([
      this.versions(),
      this.deployments(applicationName),
    ]);
    const wentLive = wentLiveTimes(deployments);
    const running = deployments.find(isRunning);
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
   * Takes the job's runs off its newest code at once:
   * - while a deployment shifts the alias, the version it shifts from is the good one: the
   *   deployment is stopped (CodeDeploy then moves the alias back itself) and the alias is
   *   pointed at that version alone, now;
   * - otherwise the alias goes back to the last version before it that a deployment made live
   *   (so never to one that was rolled back), or, with no deployments on record, the published
   *   one before it.
   * The alias's description says who rolled back what; Lambda refuses the move if the alias
   * changed since it was read, unless it already holds what was asked.
   */
  async rollback(by: string, now: Date): Promise<RollbackResult> {
    // A job without a deployment has no alias: say so before anything else.
    await this.alias();
    const applicationName = await this.applicationName();
    const deployments = await this.deployments(applicationName);
    const running = deployments.find(isRunning);
    if (running?.deploymentId) {
      await this.clients.codeDeploy.send(
        new StopDeploymentCommand({
          deploymentId: running.deploymentId,
          autoRollbackEnabled: true,
        }),
      );
    }
    const alias = await this.alias();
    const primary = alias.FunctionVersion ?? '';
    const shiftedTo = Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
    const target = running ? targetVersionOf(running) : undefined;
    let from: string;
    let to: string;
    if (running || shiftedTo.length > 0) {
      from = target ?? shiftedTo[0] ?? primary;
      to = primary;
    } else {
      from = primary;
      to = this.previousGoodVersion(primary, await this.versions(), wentLiveTimes(deployments));
    }
    const at = now.toISOString();
    try {
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
    } catch (error) {
      // CodeDeploy's own rollback of the stopped deployment may have got there first.
      if (!(error instanceof Error && error.name === 'PreconditionFailedException')) throw error;
      const now = await this.alias();
      const settled =
        now.FunctionVersion === to &&
        Object.keys(now.RoutingConfig?.AdditionalVersionWeights ?? {}).length === 0;
      if (!settled) {
        throw new CliError(
          `The live alias of ${this.jobName} changed while it was being rolled back (a deploy or another rollback): see \`jobctl versions ${this.jobName}\` and roll back again if needed.`,
        );
      }
    }
    return {
      functionName: this.functionName,
      from,
      to,
      by,
      at,
      ...(running?.deploymentId ? { stoppedDeployment: running.deploymentId } : {}),
    };
  }

  private previousGoodVersion(
    current: string,
    published: readonly { readonly Version?: string | undefined }[],
    wentLive: ReadonlyMap<string, string>,
  ): string {
    const earlier = published
      .map((version) => version.Version ?? '')
      .filter((version) => Number(version) < Number(current));
    const good = wentLive.size > 0 ? earlier.filter((version) => wentLive.has(version)) : earlier;
    const to = good[0];
    if (to === undefined) {
      throw new CliError(
        `${this.jobName} has no version before ${current} that went live to roll back to: deploy the code you want instead.`,
      );
    }
    return to;
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

  /**
   * The CodeDeploy application the job's function is tagged with. GetFunction gives the tags
   * only to a caller allowed lambda:ListTags: without them, a deployment in progress would go
   * unseen, so that is an error.
   */
  private async applicationName(): Promise<string> {
    const { Tags } = await this.clients.lambda.send(
      new GetFunctionCommand({ FunctionName: this.functionName }),
    );
    const name = Tags?.[DEPLOYMENT_APPLICATION_TAG];
    if (!name) {
      throw new CliError(
        `Cannot find the CodeDeploy application of ${this.jobName}: its function ${this.functionName} shows no ${DEPLOYMENT_APPLICATION_TAG} tag. Your AWS identity needs lambda:ListTags on it (GetFunction leaves tags out otherwise), or the job was deployed before it had a deployment: deploy it again.`,
      );
    }
    return name;
  }

  /** The job's deployments (at most the newest 100), newest first. */
  private async deployments(applicationName: string): Promise<DeploymentInfo[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.clients.codeDeploy.send(
        new ListDeploymentsCommand({
          applicationName,
          deploymentGroupName: this.functionName,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      ids.push(...(page.deployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken && ids.length < MAX_DEPLOYMENTS_READ);
    const found: DeploymentInfo[] = [];
    // BatchGetDeployments takes at most 25 ids at a time.
    for (let start = 0; start < Math.min(ids.length, MAX_DEPLOYMENTS_READ); start += 25) {
      const { deploymentsInfo = [] } = await this.clients.codeDeploy.send(
        new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(start, start + 25) }),
      );
      found.push(...deploymentsInfo);
    }
    return found.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  }
}

/** When each version went live: the latest successful deployment to it. */
function wentLiveTimes(deployments: readonly DeploymentInfo[]): Map<string, string> {
  const wentLive = new Map<string, string>();
  for (const deployment of deployments) {
    const target = targetVersionOf(deployment);
    const done = deployment.completeTime?.toISOString();
    if (deployment.status !== 'Succeeded' || !target || !done) continue;
    if ((wentLive.get(target) ?? '') < done) wentLive.set(target, done);
  }
  return wentLive;
}

function isRunning(deployment: DeploymentInfo): boolean {
  return RUNNING_DEPLOYMENT_STATUSES.some((status) => status === deployment.status);
}

/** The version a Lambda deployment moves the alias to, from its AppSpec (JSON or YAML). */
export function targetVersionOf(deployment: DeploymentInfo): string | undefined {
  const content = deployment.revision?.appSpecContent?.content ?? '';
  return /"?TargetVersion"?\s*:\s*"?(\d+)/.exec(content)?.[1];
}
