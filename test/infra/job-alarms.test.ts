import { describe, expect, it } from 'vitest';
import {
  arn,
  buildJobsApp,
  getAtt,
  logicalIdOf,
  ON_DEMAND_JOB,
  ONE_OFF_JOB,
  RECURRING_JOB,
  SYNTH_TIMEOUT_MS,
  templateOf,
  workerOf,
} from './jobs-app';

describe('JobWorker alarms', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it.each([RECURRING_JOB, ONE_OFF_JOB, ON_DEMAND_JOB])(
    'gives %s three alarms, each notifying acme_alarms',
    (job) => {
      const { jobs } = buildJobsApp();

      const alarms = Object.values(templateOf(jobs, job).findResources('AWS::CloudWatch::Alarm'))
        .map((alarm) => (alarm as { Properties: Record<string, unknown> }).Properties)
        .filter((alarm) => String(alarm.AlarmName).startsWith(`acme_${job} `));
      expect(alarms.map((alarm) => alarm.AlarmActions)).toEqual(
        Array.from({ length: 3 }, () => [arn('sns', 'acme_alarms')]),
      );
    },
  );

  it("raises an alarm on the first message in the job's dead-letter queue", () => {
    const { jobs } = buildJobsApp();

    const deadLetterQueue = workerOf(jobs, RECURRING_JOB).deadLetterQueue;
    templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `acme_${RECURRING_JOB} dead letters`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(logicalIdOf(deadLetterQueue), 'QueueName') }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('raises an alarm on the first error of the worker function', () => {
    const { jobs } = buildJobsApp();

    const workerFunction = workerOf(jobs, RECURRING_JOB).function;
    templateOf(jobs, RECURRING_JOB).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `acme_${RECURRING_JOB} worker errors`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(workerFunction) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each([
    [RECURRING_JOB, 96_000],
    [ONE_OFF_JOB, 48_000],
    [ON_DEMAND_JOB, 48_000],
  ])('raises an alarm when a run of %s takes 80% of its timeout, %i ms', (job, thresholdMs) => {
    const { jobs } = buildJobsApp();

    const workerFunction = workerOf(jobs, job).function;
    templateOf(jobs, job).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `acme_${job} near timeout`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(workerFunction) } }],
      Threshold: thresholdMs,
    });
  });
});
