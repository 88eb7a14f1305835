import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCustomResourceHandler } from '../../../shared/deploy/custom-resource';

/** Stands in for the pre-signed S3 URL CloudFormation waits on: keeps what is PUT to it. */
async function responseUrl(status = 200) {
  const received: { method: string; body: unknown; contentType: string | undefined }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        body: JSON.parse(body),
        contentType: request.headers['content-type'],
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/response?X-Amz-Signature=abc`, received };
}

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  url: string,
): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:acme_keep-paused',
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/acme-shard-01/guid',
    RequestId: 'request-1',
    LogicalResourceId: 'KeepPausedSchedules',
    ResourceType: 'Custom::KeepPausedSchedules',
    ResourceProperties: { ServiceToken: 'x' },
    ...(requestType === 'Create'
      ? {}
      : { PhysicalResourceId: 'KeepPausedSchedules', OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

// The response object CloudFormation documents for custom resources, PUT to the ResponseURL.
describe('a custom resource', () => {
  it('answers SUCCESS with its data, keeping one physical id from create to update', async () => {
    const { url, received } = await responseUrl();
    const handler = createCustomResourceHandler({ work: async () => ({ Paused: 'a,b' }) });

    await handler(event('Create', url));
    await handler(event('Update', url));

    expect(received).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'SUCCESS',
          PhysicalResourceId: 'KeepPausedSchedules',
          StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/acme-shard-01/guid',
          RequestId: 'request-1',
          LogicalResourceId: 'KeepPausedSchedules',
          Data: { Paused: 'a,b' },
        },
      },
      expect.objectContaining({ body: expect.objectContaining({ Status: 'SUCCESS' }) }),
    ]);
  });

  it('answers FAILED with the reason when its work throws, so the stack does not wait an hour', async () => {
    const { url, received } = await responseUrl();
    const handler = createCustomResourceHandler({
      work: async () => {
        throw new TypeError('Jobs is not a list');
      },
    });

    await handler(event('Update', url));

    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'TypeError: Jobs is not a list',
      PhysicalResourceId: 'KeepPausedSchedules',
    });
  });

  it('does no work on delete, and says it succeeded', async () => {
    const { url, received } = await responseUrl();
    let worked = false;
    const handler = createCustomResourceHandler({
      work: async () => {
        worked = true;
        return {};
      },
    });

    await handler(event('Delete', url));

    expect(worked).toBe(false);
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS' });
  });

  it('throws when CloudFormation does not take the response, so that Lambda logs it', async () => {
    const { url } = await responseUrl(403);
    const handler = createCustomResourceHandler({ work: async () => ({}) });

    await expect(handler(event('Create', url))).rejects.toThrow('HTTP 403');
  });
});
