import { describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../../local/local-scheduler';
import { ManualClock } from '../../../shared/clock/manual-clock';
import type { RunMessage } from '../../../shared/delivery/run-message';
import { defineJob } from '../../../shared/job/define-job';
import type { AnyNamedJobDefinition } from '../../../shared/job/job-definition';
import { JobResult } from '../../../shared/job/job-result';
import { silentLogger } from '../../../shared/logging/silent-logger';

const START = '2026-11-23T10:00:00Z';

function job(name: string, schedule?: { rate: string } | { cron: string; timezone: string }) {
  return defineJob({
    name,
    ...(schedule ? { schedule } : {}),
    run: async () => JobResult.success(),
  }) as unknown as AnyNamedJobDefinition;
}

function scheduler(jobs: readonly AnyNamedJobDefinition[]) {
  const clock = new ManualClock(START);
  const sent: RunMessage[] = [];
  const local = new LocalScheduler({
    jobs,
    clock,
    send: async (message) => {
      sent.push(message);
    },
    scheduleArnFor: (jobName) => `arn:test:${jobName}`,
    logger: silentLogger,
  });
  local.start();
  return { local, clock, sent };
}

const ticks = (sent: readonly RunMessage[]) =>
  sent.map((message) => `${message.job}@${message.scheduledTime}`);

describe('LocalScheduler.setJobs', () => {
  it('starts the schedule of a job added after it started', () => {
    const { local, clock, sent } = scheduler([job('hourly', { rate: '1 hour' })]);

    local.setJobs([job('hourly', { rate: '1 hour' }), job('nightly', { rate: '30 minutes' })]);
    clock.advance(30 * 60_000);

    expect(ticks(sent)).toEqual(['nightly@2026-11-23T10:30:00.000Z']);
    expect(local.nextFireTime('nightly')?.toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('stops the schedule of a job that was removed', () => {
    const { local, clock, sent } = scheduler([job('hourly', { rate: '1 hour' })]);

    local.setJobs([]);
    clock.advance(3 * 60 * 60_000);

    expect(sent).toEqual([]);
    expect(local.nextFireTime('hourly')).toBeUndefined();
  });

  it('plans a changed schedule again', () => {
    const { local, clock, sent } = scheduler([
      job('report', { cron: '0 12 * * *', timezone: 'UTC' }),
    ]);

    local.setJobs([job('report', { cron: '15 10 * * *', timezone: 'UTC' })]);
    clock.advance(3 * 60 * 60_000);

    expect(ticks(sent)).toEqual(['report@2026-11-23T10:15:00.000Z']);
  });

  it("keeps the next tick of a job whose schedule did not change, even a rate's", () => {
    const { local, clock, sent } = scheduler([job('hourly', { rate: '1 hour' })]);
    clock.advance(40 * 60_000);

    local.setJobs([job('hourly', { rate: '1 hour' })]);
    clock.advance(20 * 60_000);

    expect(ticks(sent)).toEqual(['hourly@2026-11-23T11:00:00.000Z']);
  });
});
