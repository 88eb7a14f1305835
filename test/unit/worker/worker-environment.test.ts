import { describe, expect, it } from 'vitest';
import { JobsError } from '../../../shared/errors';
import {
  readWorkerEnvironment,
  WORKER_ENVIRONMENT,
} from '../../../shared/worker/worker-environment';

const complete = {
  AWS_REGION: 'eu-west-2',
  [WORKER_ENVIRONMENT.executionsTable]: 'app-executions',
  [WORKER_ENVIRONMENT.jobStateTable]: 'app-job-state',
  [WORKER_ENVIRONMENT.alertConfigTable]: 'app-alert-config',
  [WORKER_ENVIRONMENT.queueNamePrefix]: 'app-',
  [WORKER_ENVIRONMENT.accountId]: '123456789012',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
};

describe('readWorkerEnvironment', () => {
  it('reads tables, queues and the function version', () => {
    const environment = readWorkerEnvironment(complete);

    expect(environment).toEqual({
      region: 'eu-west-2',
      accountId: '123456789012',
      tables: {
        executions: 'app-executions',
        jobState: 'app-job-state',
        alertConfig: 'app-alert-config',
      },
      queueNamePrefix: 'app-',
      codeVersion: '7',
    });
  });

  it('reads the one-off scheduler settings when both are set', () => {
    const environment = readWorkerEnvironment({
      ...complete,
      [WORKER_ENVIRONMENT.scheduleGroup]: 'app-runs',
      [WORKER_ENVIRONMENT.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/scheduler',
      [WORKER_ENVIRONMENT.retentionDays]: '30',
    });

    expect(environment.oneOff).toEqual({
      groupName: 'app-runs',
      roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    });
    expect(environment.retentionDays).toBe(30);
  });

  it('names every missing variable at once', () => {
    const read = () => readWorkerEnvironment({ AWS_REGION: 'eu-west-2' });

    expect(read).toThrow(JobsError);
    expect(read).toThrow(
      /JOBS_EXECUTIONS_TABLE is not set; JOBS_JOB_STATE_TABLE is not set; JOBS_ALERT_CONFIG_TABLE is not set; JOBS_QUEUE_NAME_PREFIX is not set; JOBS_ACCOUNT_ID is not set/,
    );
  });

  it('refuses a schedule group without the role Scheduler assumes', () => {
    expect(() =>
      readWorkerEnvironment({ ...complete, [WORKER_ENVIRONMENT.scheduleGroup]: 'app-runs' }),
    ).toThrow(/must be set together/);
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() =>
      readWorkerEnvironment({ ...complete, [WORKER_ENVIRONMENT.retentionDays]: '1.5' }),
    ).toThrow(/whole number of days, got "1.5"/);
  });
});
