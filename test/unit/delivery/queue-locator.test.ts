import { describe, expect, it } from 'vitest';
import { conventionalQueueLocator, queueUrlFromArn } from '../../../shared/delivery/queue-locator';
import { awsLocation } from '../../../shared/naming/aws-location';
import { ResourceNames } from '../../../shared/naming/resource-names';

describe('conventionalQueueLocator', () => {
  it("names a job's queue <app>_<job> in one account and region", () => {
    const queues = conventionalQueueLocator({
      names: new ResourceNames('jobs'),
      location: awsLocation('eu-west-1', '123456789012'),
    });

    expect(queues.queueFor('send-email')).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_send-email',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs_send-email',
    });
  });

  it("names a job's dead-letter queue <app>_<job>_dlq beside its queue", () => {
    const queues = conventionalQueueLocator({
      names: new ResourceNames('jobs'),
      location: awsLocation('eu-west-1', '123456789012'),
    });

    expect(queues.deadLetterQueueFor('send-email')).toEqual({
      url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs_send-email_dlq',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:jobs_send-email_dlq',
    });
  });

  it('points at a stand-in endpoint when given one', () => {
    const queues = conventionalQueueLocator({
      names: new ResourceNames('local'),
      location: awsLocation('us-east-1', '000000000000'),
      endpoint: 'http://127.0.0.1:4566/',
    });

    expect(queues.queueFor('report').url).toBe('http://127.0.0.1:4566/000000000000/local_report');
    expect(queues.deadLetterQueueFor('report').url).toBe(
      'http://127.0.0.1:4566/000000000000/local_report_dlq',
    );
  });

  // These stand for AWS's documented ARN partitions (aws-cn in China, aws-us-gov in GovCloud)
  // and SQS endpoints (sqs.<region>.amazonaws.com.cn in China, sqs.<region>.amazonaws.com in
  // GovCloud): a queue outside the aws partition must not be addressed as if it were in it.
  it('addresses queues in a China region with the aws-cn partition and the .com.cn endpoint', () => {
    const queues = conventionalQueueLocator({
      names: new ResourceNames('jobs'),
      location: awsLocation('cn-north-1', '123456789012'),
    });

    expect(queues.queueFor('send-email')).toEqual({
      url: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs_send-email',
      arn: 'arn:aws-cn:sqs:cn-north-1:123456789012:jobs_send-email',
    });
    expect(queues.deadLetterQueueFor('send-email')).toEqual({
      url: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs_send-email_dlq',
      arn: 'arn:aws-cn:sqs:cn-north-1:123456789012:jobs_send-email_dlq',
    });
  });

  it('addresses queues in GovCloud with the aws-us-gov partition and its endpoint', () => {
    const queues = conventionalQueueLocator({
      names: new ResourceNames('jobs'),
      location: awsLocation('us-gov-west-1', '123456789012'),
    });

    expect(queues.queueFor('send-email')).toEqual({
      url: 'https://sqs.us-gov-west-1.amazonaws.com/123456789012/jobs_send-email',
      arn: 'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:jobs_send-email',
    });
    expect(queues.deadLetterQueueFor('send-email').arn).toBe(
      'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:jobs_send-email_dlq',
    );
  });
});

describe('queueUrlFromArn', () => {
  it("builds the queue's URL from an event record's ARN", () => {
    expect(queueUrlFromArn('arn:aws:sqs:ap-southeast-2:123456789012:jobs_x')).toBe(
      'https://sqs.ap-southeast-2.amazonaws.com/123456789012/jobs_x',
    );
  });

  it("builds a China queue's URL on the .com.cn endpoint from its aws-cn ARN", () => {
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:123456789012:jobs_x')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs_x',
    );
  });

  it("builds a GovCloud queue's URL from its aws-us-gov ARN", () => {
    expect(queueUrlFromArn('arn:aws-us-gov:sqs:us-gov-west-1:123456789012:jobs_x')).toBe(
      'https://sqs.us-gov-west-1.amazonaws.com/123456789012/jobs_x',
    );
  });

  it('refuses an ARN that is not a queue', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:123456789012:topic')).toThrow(
      /is not the ARN of an SQS queue/,
    );
  });
});
