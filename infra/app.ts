import { App } from 'aws-cdk-lib';
import { discoverJobs } from '#shared/discovery';

// Discovery runs first, so that `cdk synth` fails on an invalid job file, naming the file and
// the field, before anything reaches CloudFormation.
const { warnings } = await discoverJobs();
for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);

const app = new App();
app.synth();
