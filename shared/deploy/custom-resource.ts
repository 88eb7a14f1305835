import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import { silentLogger } from '../logging/silent-logger';
import type { Logger } from '../ports/logger';

/** What a custom resource's work returns: a little data for `Fn::GetAtt`, nothing required. */
export type CustomResourceWork = (
  event: Exclude<CloudFormationCustomResourceEvent, { RequestType: 'Delete' }>,
) => Promise<Readonly<Record<string, string>>>;

export interface CustomResourceOptions {
  /** Runs on Create and Update; a Delete does nothing. */
  readonly work: CustomResourceWork;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** @default - a logger that drops everything */
  readonly logger?: Logger;
}

// CloudFormation refuses a response body over 4,096 bytes: a failure's reason is kept short.
const MAX_REASON_LENGTH = 1000;

/**
 * A Lambda-backed CloudFormation custom resource: runs `work`, then answers CloudFormation at
 * the pre-signed URL it gave, success or failure, so that a stack never waits on a function
 * that threw. The physical id stays the same across updates, so an update never looks like a
 * replacement (which would make CloudFormation delete the old one).
 */
export function createCustomResourceHandler(
  options: CustomResourceOptions,
): (event: CloudFormationCustomResourceEvent) => Promise<void> {
  const fetch = options.fetch ?? globalThis.fetch;
  const logger = options.logger ?? silentLogger;
  return async (event) => {
    const physicalResourceId =
      event.RequestType === 'Create' ? event.LogicalResourceId : event.PhysicalResourceId;
    const base = {
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    let response: CloudFormationCustomResourceResponse;
    try {
      const data = event.RequestType === 'Delete' ? {} : await options.work(event);
      response = { ...base, Status: 'SUCCESS', Data: data };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.error('The custom resource failed', { requestType: event.RequestType, reason });
      response = { ...base, Status: 'FAILED', Reason: reason.slice(0, MAX_REASON_LENGTH) };
    }
    const body = JSON.stringify(response);
    const answer = await fetch(event.ResponseURL, {
      method: 'PUT',
      // The URL is pre-signed for an empty content type.
      headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    if (!answer.ok) {
      throw new Error(
        `CloudFormation did not take the custom resource's response: HTTP ${answer.status}`,
      );
    }
  };
}
