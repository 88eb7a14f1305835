import { describe, expect, it } from 'vitest';
import { conventionalQueueLocator, queueUrlFromArn } from '../../../shared/delivery/queue-locator';

describe('conventionalQueueLocator', () => {
  it("names a job's queue by prefix and job name in one account and region", () => {
    const queues = conventionalQueueLocator({
      region: 'eu-west-1',
      accountId: '123456789012',
      queueNamePrefix: 'jobs-',
    });

    expect(queues.queueFor('send-email')).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-send-email',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs-send-email',
    });
  });

  it('points at a stand-in endpoint when given one', () => {
    const queues = conventionalQueueLocator({
      region: 'us-east-1',
      accountId: '000000000000',
      queueNamePrefix: 'local-',
      endpoint: 'http://127.0.0.1:4566/',
    });

    expect(queues.queueFor('report').url).toBe('http://127.0.0.1:4566/000000000000/local-report');
  });
});

describe('queueUrlFromArn', () => {
  it("builds the queue's URL from an event record's ARN", () => {
    expect(queueUrlFromArn('arn:aws:sqs:ap-southeast-2:123456789012:jobs-x')).toBe(
      'https://sqs.ap-southeast-2.amazonaws.com/123456789012/jobs-x',
    );
  });

  it('refuses an ARN that is not a queue', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:123456789012:topic')).toThrow(
      /is not the ARN of an SQS queue/,
    );
  });
});
