import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { schedulerRoleArn } from './constructs/job-worker';
import type { ResourceNames } from './naming';

/**
 * Lets `role` switch the app's recurring schedules on and off (pause and resume, and the
 * post-deploy step that keeps paused jobs' schedules off), and only those in the app's group.
 * UpdateSchedule passes the schedule's role again, so it may pass the Scheduler role too.
 */
export function grantSwitchSchedules(role: iam.IRole, names: ResourceNames, stack: Stack): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'SwitchSchedules',
      actions: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
      resources: [
        stack.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${names.scheduleGroup}/*`,
        }),
      ],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PassSchedulerRole',
      actions: ['iam:PassRole'],
      resources: [schedulerRoleArn(stack, names)],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
}
