import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { discoverJobs } from '#shared/discovery';
import { ServerlessJobs } from './serverless-jobs';

// Discovery runs first, so that `cdk synth` fails on an invalid job file, naming the file and
// the field, before anything reaches CloudFormation.
const { jobs, warnings } = await discoverJobs();
for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

const app = new App();
new ServerlessJobs(app, 'Jobs', {
  jobs,
  appName: app.node.tryGetContext('jobs:appName') ?? 'jobs',
  shardCount: Number(app.node.tryGetContext('jobs:shardCount') ?? 16),
});
// Findings the app accepts are acknowledged where each resource is made, with the reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
