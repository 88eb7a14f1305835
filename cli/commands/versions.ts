import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ResourceNames } from '../../shared/naming/resource-names';
import type { CommandContext, JsonOption } from '../command-context';
import { CliUsageError } from '../errors';
import { table } from '../format';
import { writeJson, writeLines } from '../io';
import type { JobVersions } from '../job-versions';
import type { TargetOptions } from '../target';

/** The control stack's name ends in this; what comes before is the app's name. */
const CONTROL_STACK_SUFFIX = '-control';

/** `jobctl --remote <stack> versions <job>`: a deployed job's versions, and which runs live. */
export function addVersionsCommand(program: Command, context: CommandContext): void {
  program
    .command('versions')
    .description(
      "list a deployed job's versions (--remote <stack>): when each was published and went live, and which the live alias runs",
    )
    .argument('<job>', 'the job')
    .option('--json', 'print JSON instead')
    .action((job: string, options: JsonOption, command: Command) =>
      showVersions(context, job, options, command.optsWithGlobals<TargetOptions>()),
    );
}

/** `jobctl --remote <stack> rollback <job>`: the live alias back to the previous version, now. */
export function addRollbackCommand(program: Command, context: CommandContext): void {
  program
    .command('rollback')
    .description(
      "point a deployed job's live alias (--remote <stack>) at its previous version at once, stopping a deployment in progress",
    )
    .argument('<job>', 'the job')
    .option('--json', 'print JSON instead')
    .action((job: string, options: JsonOption, command: Command) =>
      rollBack(context, job, options, command.optsWithGlobals<TargetOptions>()),
    );
}

async function showVersions(
  context: CommandContext,
  job: string,
  options: JsonOption,
  target: TargetOptions,
): Promise<void> {
  const versions = await jobVersionsOf(context, job, target, 'versions');
  const report = await versions.report();
  if (options.json) {
    writeJson(context.io.stdout, report);
    return;
  }
  writeLines(context.io.stdout, [
    `Versions of ${job} (function ${report.functionName}), newest first; the live alias runs ${report.liveVersion}.`,
    ...(report.deploymentInProgress
      ? [`Deployment ${report.deploymentInProgress} is shifting it now.`]
      : []),
    ...(report.aliasDescription?.startsWith('Rolled back') ? [`${report.aliasDescription}.`] : []),
    '',
    ...table(
      ['VERSION', 'LIVE', 'PUBLISHED', 'WENT LIVE'],
      report.versions.map((version) => [
        version.version,
        version.live
          ? version.weight === undefined
            ? 'live'
            : `${Math.round(version.weight * 100)}%`
          : '',
        version.publishedAt,
        version.wentLiveAt ?? (version.live ? 'by the deploy that published it' : '-'),
      ]),
    ),
  ]);
}

async function rollBack(
  context: CommandContext,
  job: string,
  options: JsonOption,
  target: TargetOptions,
): Promise<void> {
  const versions = await jobVersionsOf(context, job, target, 'rollback');
  const by = process.env.AWS_PROFILE
    ? `${userInfo().username} (AWS profile ${process.env.AWS_PROFILE})`
    : userInfo().username;
  const result = await versions.rollback(by, new Date(context.io.now()));
  if (options.json) {
    writeJson(context.io.stdout, result);
    return;
  }
  writeLines(context.io.stdout, [
    ...(result.stoppedDeployment
      ? [`Stopped deployment ${result.stoppedDeployment}, which CodeDeploy rolls back.`]
      : []),
    `Rolled ${job} back from version ${result.from} to ${result.to}: its next runs run version ${result.to}. The live alias says who rolled it back and when.`,
    `The next deploy moves it on again; see the versions with: ${context.commandLine('versions', job)}`,
  ]);
}

/** The job's versions, after the API confirmed the job exists (with "did you mean" if not). */
async function jobVersionsOf(
  context: CommandContext,
  job: string,
  target: TargetOptions,
  command: 'versions' | 'rollback',
): Promise<JobVersions> {
  const stack = target.remote;
  if (stack === undefined || !stack.endsWith(CONTROL_STACK_SUFFIX)) {
    throw new CliUsageError(
      `jobctl ${command} works on a deployed app's Lambda versions: pass its control stack, npx jobctl --remote <app>-control ${command} ${job} (see npx cdk list). The local runtime runs each job's code as it is on disk.`,
    );
  }
  const names = new ResourceNames(stack.slice(0, -CONTROL_STACK_SUFFIX.length));
  await (await context.api()).getJob(job);
  // Loaded here: the Lambda and CodeDeploy clients are these commands' alone.
  const [{ JobVersions }, { LambdaClient }, { CodeDeployClient }] = await Promise.all([
    import('../job-versions'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-codedeploy'),
  ]);
  return new JobVersions(
    { lambda: new LambdaClient({}), codeDeploy: new CodeDeployClient({}) },
    names.job(job),
    job,
  );
}
