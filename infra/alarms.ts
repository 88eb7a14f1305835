import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

export interface FirstBreachAlarmProps {
  readonly alarmName: string;
  readonly alarmDescription: string;
  readonly metric: cloudwatch.IMetric;
  /** @default 1 */
  readonly threshold?: number;
}

/**
 * An alarm that goes off on the first 5-minute period at or over its threshold, and stays
 * quiet while there is no data: the shape of every alarm of the app, each of which means
 * something someone must look at now (a dead letter, an error, lag).
 */
export function firstBreachAlarm(
  scope: Construct,
  id: string,
  props: FirstBreachAlarmProps,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    metric: props.metric,
    threshold: props.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
