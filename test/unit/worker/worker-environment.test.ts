import { describe, expect, it } from 'vitest';
import { JobsError } from '../../../shared/errors';
import { ResourceNames } from '../../../shared/naming/resource-names';
import {
  readWorkerEnvironment,
  WORKER_ENVIRONMENT,
} from '../../../shared/worker/worker-environment';

const complete = {
  AWS_REGION: 'eu-west-2',
  [WORKER_ENVIRONMENT.executionsTable]: 'app_executions',
  [WORKER_ENVIRONMENT.jobStateTable]: 'app_job-state',
  [WORKER_ENVIRONMENT.alertConfigTable]: 'app_alert-config',
  [WORKER_ENVIRONMENT.appName]: 'app',
  [WORKER_ENVIRONMENT.accountId]: '123456789012',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
};

describe('readWorkerEnvironment', () => {
  it("reads its location, the app's names, the tables and the function version", () => {
    const environment = readWorkerEnvironment(complete);

    expect(environment).toEqual({
      location: {
        region: 'eu-west-2',
        accountId: '123456789012',
        partition: 'aws',
        dnsSuffix: 'amazonaws.com',
      },
      names: new ResourceNames('app'),
      tables: {
        executions: 'app_executions',
        jobState: 'app_job-state',
        alertConfig: 'app_alert-config',
      },
      codeVersion: '7',
    });
    expect(environment.names.job('send-email')).toBe('app_send-email');
  });

  it("reads a China region's partition, which its queues' ARNs and URLs take", () => {
    const environment = readWorkerEnvironment({ ...complete, AWS_REGION: 'cn-northwest-1' });

    expect(environment.location).toEqual({
      region: 'cn-northwest-1',
      accountId: '123456789012',
      partition: 'aws-cn',
      dnsSuffix: 'amazonaws.com.cn',
    });
  });

  it("reads the one-off scheduler settings when both are set, with the app's Scheduler dead-letter queue", () => {
    const environment = readWorkerEnvironment({
      ...complete,
      [WORKER_ENVIRONMENT.scheduleGroup]: 'app_runs',
      [WORKER_ENVIRONMENT.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/app_scheduler',
      [WORKER_ENVIRONMENT.retentionDays]: '30',
    });

    expect(environment.oneOff).toEqual({
      groupName: 'app_runs',
      roleArn: 'arn:aws:iam::123456789012:role/app_scheduler',
      deadLetterArn: 'arn:aws:sqs:eu-west-2:123456789012:app_scheduler-dlq',
    });
    expect(environment.retentionDays).toBe(30);
  });

  it('names every missing variable at once', () => {
    const read = () => readWorkerEnvironment({ AWS_REGION: 'eu-west-2' });

    expect(read).toThrow(JobsError);
    expect(read).toThrow(
      /JOBS_EXECUTIONS_TABLE is not set; JOBS_JOB_STATE_TABLE is not set; JOBS_ALERT_CONFIG_TABLE is not set; JOBS_APP_NAME is not set; JOBS_ACCOUNT_ID is not set/,
    );
  });

  it('refuses an app name that is not lower-case kebab, saying what it got', () => {
    const read = () =>
      readWorkerEnvironment({ ...complete, [WORKER_ENVIRONMENT.appName]: 'app_x' });

    expect(read).toThrow(JobsError);
    expect(read).toThrow(/JOBS_APP_NAME must be the app's name \(lower-case kebab\), got "app_x"/);
  });

  it('refuses a schedule group without the role Scheduler assumes', () => {
    expect(() =>
      readWorkerEnvironment({ ...complete, [WORKER_ENVIRONMENT.scheduleGroup]: 'app_runs' }),
    ).toThrow(/must be set together/);
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() =>
      readWorkerEnvironment({ ...complete, [WORKER_ENVIRONMENT.retentionDays]: '1.5' }),
    ).toThrow(/whole number of days, got "1.5"/);
  });
});
