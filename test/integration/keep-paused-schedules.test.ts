import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SchedulerScheduleControl } from '../../shared/delivery/scheduler-schedule-control';
import { createCustomResourceHandler } from '../../shared/deploy/custom-resource';
import {
  KEEP_PAUSED_PROPERTIES,
  keepPausedJobsProperty,
  keepPausedSchedules,
} from '../../shared/deploy/keep-paused-schedules';
import { DynamoDbJobStateStore } from '../../shared/stores/dynamodb/dynamodb-job-state-store';
import {
  awsTestServerNames,
  createUniqueTables,
  schedulerServerMissing,
  useDynamoDb,
  useScheduler,
} from '../support/aws-test-servers';

describe.skipIf(schedulerServerMissing)(
  `the post-deploy KeepPausedSchedules step on ${awsTestServerNames.scheduler}`,
  () => {
    const scheduler = useScheduler();
    const dynamoDb = useDynamoDb();

    /** A schedule as a deploy leaves it: CloudFormation wrote its whole definition, state too. */
    async function deployedSchedule(
      client: SchedulerClient,
      group: string,
      name: string,
      state: 'ENABLED' | 'DISABLED',
    ) {
      await client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: group,
          State: state,
          ScheduleExpression: 'cron(0 7 * * ? *)',
          ScheduleExpressionTimezone: 'Europe/London',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: scheduler.current.queueArn(name),
            RoleArn: 'arn:aws:iam::123456789012:role/acme_scheduler',
            Input: JSON.stringify({ job: name, trigger: 'schedule' }),
          },
        }),
      );
    }

    /** Runs the step as CloudFormation would, and answers what it PUT to the response URL. */
    async function runStep(
      client: SchedulerClient,
      group: string,
      jobStateStore: DynamoDbJobStateStore,
      jobs: { name: string; paused: boolean; scheduled: boolean }[],
    ) {
      const responses: unknown[] = [];
      const server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => {
          body += chunk;
        });
        request.on('end', () => {
          responses.push(JSON.parse(body));
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const handler = createCustomResourceHandler({
        work: keepPausedSchedules({
          jobStateStore,
          scheduleControl: new SchedulerScheduleControl({
            schedulerClient: client,
            groupName: group,
            scheduleNameFor: (jobName) => jobName,
          }),
        }),
      });
      await handler({
        RequestType: 'Update',
        ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:acme_keep-paused',
        ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/acme-shard-01/guid',
        RequestId: randomUUID(),
        LogicalResourceId: 'KeepPausedSchedules',
        PhysicalResourceId: 'KeepPausedSchedules',
        ResourceType: 'Custom::KeepPausedSchedules',
        ResourceProperties: {
          ServiceToken: 'x',
          [KEEP_PAUSED_PROPERTIES.jobs]: keepPausedJobsProperty(jobs),
        },
        OldResourceProperties: { ServiceToken: 'x' },
      } as CloudFormationCustomResourceEvent);
      return responses;
    }

    async function setup() {
      const client = scheduler.current.createClient();
      onTestFinished(() => client.destroy());
      const group = `acme_${randomUUID().slice(0, 8)}`;
      await client.send(new CreateScheduleGroupCommand({ Name: group }));
      const tables = await createUniqueTables(dynamoDb.current);
      const jobStateStore = new DynamoDbJobStateStore({
        client: dynamoDb.current.createClient(),
        tableName: tables.jobState,
      });
      return { client, group, jobStateStore };
    }

    it("switches a paused job's schedule off again after a deploy switched it on", async () => {
      const { client, group, jobStateStore } = await setup();
      await jobStateStore.setPaused('daily-report', true, 'ops@example.com');
      await deployedSchedule(client, group, 'daily-report', 'ENABLED');

      const responses = await runStep(client, group, jobStateStore, [
        { name: 'daily-report', paused: false, scheduled: true },
      ]);
      const schedule = await client.send(
        new GetScheduleCommand({ GroupName: group, Name: 'daily-report' }),
      );

      expect(responses).toMatchObject([{ Status: 'SUCCESS' }]);
      expect(schedule).toMatchObject({
        State: 'DISABLED',
        ScheduleExpression: 'cron(0 7 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/London',
        Target: { Arn: scheduler.current.queueArn('daily-report') },
      });
    });

    it('switches a resumed job back on that its definition deploys paused', async () => {
      const { client, group, jobStateStore } = await setup();
      await jobStateStore.setPaused('legacy-sync', false, 'ops@example.com');
      await deployedSchedule(client, group, 'legacy-sync', 'DISABLED');

      await runStep(client, group, jobStateStore, [
        { name: 'legacy-sync', paused: true, scheduled: true },
      ]);
      const schedule = await client.send(
        new GetScheduleCommand({ GroupName: group, Name: 'legacy-sync' }),
      );

      expect(schedule.State).toBe('ENABLED');
    });
  },
);
