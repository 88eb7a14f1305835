import {
  CloudFormationClient,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { fetchTransport, HttpJobsApi, type JobsApi, type SignableRequest } from './api-client';
import { CliError } from './errors';

/** The control stack's output that holds the REST API's URL. */
export const API_URL_OUTPUT = 'ApiUrl';

/** AWS credentials, or a function that resolves them (as the SDK's providers are). */
export type CredentialsSource = AwsCredentials | (() => Promise<AwsCredentials>);

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RemoteApiOptions {
  /** The control stack, such as `jobs-control`. */
  readonly stackName: string;
  /** @default - a client with the default region and credential chain */
  readonly cloudFormation?: CloudFormationClient;
  /** What requests are signed with. @default - the default credential chain */
  readonly credentials?: CredentialsSource;
  /** The region requests are signed for. @default - the CloudFormation client's region */
  readonly region?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/**
 * The API of a deployed app: its URL read from the control stack's `ApiUrl` output, and every
 * request signed with SigV4 for `execute-api`, as the API's IAM authorizer requires.
 */
export async function connectRemoteApi(options: RemoteApiOptions): Promise<JobsApi> {
  const credentials = options.credentials ?? defaultProvider();
  const cloudFormation = options.cloudFormation ?? new CloudFormationClient({ credentials });
  const region = options.region ?? (await resolveRegion(cloudFormation));
  const baseUrl = await apiUrlOf(cloudFormation, options.stackName, region);
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const sign = async (request: SignableRequest): Promise<Record<string, string>> => {
    const { url } = request;
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    });
    // fetch sets host itself, to the same value that was signed.
    const { host: _host, ...headers } = signed.headers;
    return headers;
  };
  return new HttpJobsApi(
    `stack ${options.stackName} (${baseUrl})`,
    fetchTransport({
      baseUrl,
      sign,
      unreachableHint: `Check your network, and that stack ${options.stackName} is deployed in ${region}.`,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
}

async function resolveRegion(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new CliError(
      'No AWS region is set: set AWS_REGION, or a region in your AWS profile (aws configure), to use --remote.',
    );
  }
}

async function apiUrlOf(
  client: CloudFormationClient,
  stackName: string,
  region: string,
): Promise<string> {
  let stack: Stack | undefined;
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    throw describeStacksFailure(error, stackName, region);
  }
  if (!stack) throw noSuchStack(stackName, region);
  const url = stack.Outputs?.find((output) => output.OutputKey === API_URL_OUTPUT)?.OutputValue;
  if (!url) {
    throw new CliError(
      `Stack ${stackName} has no ${API_URL_OUTPUT} output: pass the app's control stack (such as jobs-control, see npx cdk list), or deploy it again with npx cdk deploy if it predates that output.`,
    );
  }
  return url;
}

function describeStacksFailure(error: unknown, stackName: string, region: string): CliError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return noSuchStack(stackName, region);
  }
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new CliError(
      `Cannot read stack ${stackName}: no usable AWS credentials (${message}). Sign in (aws sso login, or set AWS_PROFILE) and try again.`,
    );
  }
  return new CliError(
    `Cannot read stack ${stackName} in ${region}: ${name ? `${name}: ` : ''}${message}`,
  );
}

function noSuchStack(stackName: string, region: string): CliError {
  const hint = stackName.endsWith('-control')
    ? ''
    : ` The API is in the app's control stack, such as ${stackName}-control.`;
  return new CliError(
    `There is no stack ${stackName} in ${region}.${hint} Pass its name to --remote (npx cdk list shows the app's stacks), or set AWS_REGION to the region it was deployed to.`,
  );
}
