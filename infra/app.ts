import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { discoverJobs } from '#discovery';
import { JobsError } from '../shared/errors';
import type { DeploymentStrategy } from '../shared/job/deployment';
import { ServerlessJobs } from './serverless-jobs';
import { JOBS_PER_STACK, overfullStacks, STACK_ASSIGNMENT_FILE } from './stack-assignment';
import { readStackAssignment, settleStackAssignment } from './stack-assignment-file';

// A problem the user must fix (a job file, a setting) is said as it is, without a stack trace
// of the app's own code; anything else is a bug, and keeps its stack.
process.on('uncaughtException', (error) => {
  if (!(error instanceof JobsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

// Discovery runs first, so that `cdk synth` fails on an invalid job file, naming the file and
// the field, before anything reaches CloudFormation.
const { jobs, warnings } = await discoverJobs();
for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

const app = new App();

/** A prop from `-c <key>=<value>` (or cdk.json's context), when it is given. */
function optionalContext<K extends string>(key: string, prop: K): Partial<Record<K, string>> {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? ({ [prop]: value } as Record<K, string>) : {};
}
/** A list prop from `-c <key>=a,b` (or a list in cdk.json's context), when it is given. */
function listContext<K extends string>(key: string, prop: K): Partial<Record<K, string[]>> {
  const value: unknown = app.node.tryGetContext(key);
  const list = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.split(',').map((item) => item.trim())
      : [];
  const given = list.filter((item) => item !== '');
  return given.length > 0 ? ({ [prop]: given } as Record<K, string[]>) : {};
}
const assignmentFile = join(process.cwd(), STACK_ASSIGNMENT_FILE);
const previousStackAssignment = readStackAssignment(assignmentFile);
const hashShardCount: unknown = app.node.tryGetContext('jobs:shardCount');
const serverlessJobs = new ServerlessJobs(app, 'Jobs', {
  jobs,
  appName: app.node.tryGetContext('jobs:appName') ?? 'jobs',
  ...(previousStackAssignment ? { previousStackAssignment } : {}),
  ...(hashShardCount !== undefined ? { hashShardCount: Number(hashShardCount) } : {}),
  ...optionalContext('jobs:alertEmailSender', 'alertEmailSender'),
  ...optionalContext('jobs:dashboardUrl', 'dashboardUrl'),
  // Checked by ServerlessJobs, which names the strategies when it is none of them.
  ...(optionalContext('jobs:deployment', 'deployment') as { deployment?: DeploymentStrategy }),
  ...listContext('jobs:alarmEmail', 'alarmEmails'),
  ...(app.node.tryGetContext('jobs:tracing') === undefined
    ? {}
    : { tracing: String(app.node.tryGetContext('jobs:tracing')) === 'true' }),
});
settleStackAssignment(assignmentFile, previousStackAssignment, serverlessJobs.stackAssignment);
for (const { stack, jobs: count } of overfullStacks(serverlessJobs.stackAssignment)) {
  process.stderr.write(
    `warning: stack ${stack} holds ${count} jobs, more than the ${JOBS_PER_STACK} a stack is sized for (${STACK_ASSIGNMENT_FILE} edited by hand, or two branches each added a job to it). It deploys while it stays within 450 resources, which synth checks; move the lines of jobs not deployed yet to another stack number.\n`,
  );
}
// Findings the app accepts are acknowledged where each resource is made, with the reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
