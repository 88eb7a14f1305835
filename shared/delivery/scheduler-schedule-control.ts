import {
  GetScheduleCommand,
  type GetScheduleOutput,
  SchedulerClient,
  UpdateScheduleCommand,
  type UpdateScheduleInput,
} from '@aws-sdk/client-scheduler';
import type { ResourceNames } from '../naming/resource-names';
import type { ScheduleControl } from '../ports/schedule-control';
import { SDK_RETRY_SETTINGS } from '../support/sdk-retry-settings';

export interface SchedulerScheduleControlOptions {
  readonly schedulerClient: SchedulerClient;
  /** The schedule group the jobs' recurring schedules are in. */
  readonly groupName: string;
  /** The name of a job's recurring schedule, as the CDK stack names it. */
  readonly scheduleNameFor: (jobName: string) => string;
}

/** Turns jobs' recurring EventBridge Scheduler schedules on and off (their `State`). */
export class SchedulerScheduleControl implements ScheduleControl {
  private readonly options: SchedulerScheduleControlOptions;

  constructor(options: SchedulerScheduleControlOptions) {
    this.options = options;
  }

  /**
   * The app's recurring schedules, in `groupName`, named as `ResourceNames` names them, through a
   * Scheduler client of its own (the functions' production wiring).
   */
  static ofApp(groupName: string, names: ResourceNames) {
    return new SchedulerScheduleControl({
      schedulerClient: new SchedulerClient(SDK_RETRY_SETTINGS),
      groupName,
      scheduleNameFor: (jobName) => names.job(jobName),
    });
  }

  async setEnabled(jobName: string, enabled: boolean): Promise<boolean> {
    const name = this.options.scheduleNameFor(jobName);
    let schedule: GetScheduleOutput;
    try {
      schedule = await this.options.schedulerClient.send(
        new GetScheduleCommand({ Name: name, GroupName: this.options.groupName }),
      );
    } catch (error) {
      // Jobs without a schedule (run on demand only) have none to change.
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return false;
      throw error;
    }
    const state = enabled ? 'ENABLED' : 'DISABLED';
    if (schedule.State === state) return true;
    await this.options.schedulerClient.send(
      new UpdateScheduleCommand({
        ...writableFields(schedule, name, this.options.groupName),
        State: state,
      }),
    );
    return true;
  }
}

/**
 * The schedule's definition as UpdateSchedule takes it. UpdateSchedule replaces the whole
 * definition, resetting any field left out to its default, so every writable field is copied.
 */
function writableFields(
  schedule: GetScheduleOutput,
  name: string,
  groupName: string,
): UpdateScheduleInput {
  const fields: UpdateScheduleInput = {
    Name: schedule.Name ?? name,
    GroupName: schedule.GroupName ?? groupName,
    ScheduleExpression: schedule.ScheduleExpression,
    ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
    StartDate: schedule.StartDate,
    EndDate: schedule.EndDate,
    Description: schedule.Description,
    FlexibleTimeWindow: schedule.FlexibleTimeWindow,
    Target: schedule.Target,
    KmsKeyArn: schedule.KmsKeyArn,
    ActionAfterCompletion: schedule.ActionAfterCompletion,
  };
  for (const key of Object.keys(fields) as (keyof UpdateScheduleInput)[]) {
    if (fields[key] === undefined) delete fields[key];
  }
  return fields;
}
