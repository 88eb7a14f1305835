import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboxEmail } from '../../shared/alerts/notifiers/outbox-email-notifier';
import { groupRunning, useDevProcesses } from '../e2e/dev-process';
import {
  type Attempt,
  attemptsOf,
  BURST_JOB,
  bodyStarts,
  burst,
  devNodePid,
  finalRuns,
  ranTwice,
  summary,
  takenOver,
} from '../support/dev-bursts';
import { eventually } from '../support/eventually';
import { report } from './report';

const BURST = 200;

const { project, dev } = useDevProcesses();

describe('npm run dev, stopped in the middle of a burst of 200 runs', () => {
  it('keeps every run it accepted through kill -9 of its process group: all final, none running, none lost, none run twice', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const log = join(target.root, 'bodies.log');
    const first = dev(target, { BODY_LOG: log });
    const url = await first.url();

    const accepted = await burst(url, 'burst', BURST);
    // Every run accepted; some done, some running, most still queued.
    await eventually(
      async () => (await bodyStarts(log)).size,
      (started) => started >= 20,
    );
    await first.kill();
    const second = dev(target, { BODY_LOG: log });
    const runs = await finalRuns(await second.url(), 'burst', accepted);
    const starts = await bodyStarts(log);
    const counts = summary(runs);

    report(
      `kill -9 of npm run dev mid-burst: ${accepted.length} accepted; after a restart ${counts.final} final, ${counts.running} running, ${counts.lost} lost, ${ranTwice(runs, starts).length} run twice; ${takenOver(runs)} attempts the kill cut short were taken over after their lease`,
    );
    expect(accepted).toHaveLength(BURST);
    expect(counts).toEqual({ final: BURST, running: 0, lost: 0, retrying: 0 });
    // A body of 300 ms can outlast its 1 s timeout on a loaded machine; nothing else fails it.
    expect(
      [...runs.values()].filter(
        (attempts) => !['succeeded', 'timed_out'].includes(attempts?.at(-1)?.status ?? ''),
      ),
    ).toEqual([]);
    expect(ranTwice(runs, starts)).toEqual([]);
  });

  it('stops gracefully on one Ctrl+C to its process group: all final after a restart, none cut short', async () => {
    const target = await project();
    await target.writeJob('burst', BURST_JOB);
    const log = join(target.root, 'bodies.log');
    const first = dev(target, { BODY_LOG: log });
    const url = await first.url();

    const accepted = await burst(url, 'burst', BURST);
    await eventually(
      async () => (await bodyStarts(log)).size,
      (started) => started >= 20,
    );
    // The terminal signals the whole group; npm's relay may reach node a second time.
    first.signalGroup('SIGINT');
    const node = devNodePid(first);
    if (node !== undefined) process.kill(node, 'SIGINT');
    await first.exited;
    const pgid = first.child.pid ?? 0;
    const second = dev(target, { BODY_LOG: log });
    const runs = await finalRuns(await second.url(), 'burst', accepted);
    const starts = await bodyStarts(log);
    const counts = summary(runs);

    report(
      `one Ctrl+C to npm run dev mid-burst: ${accepted.length} accepted; graceful stop: ${!first.stderr.includes('Stopping at once')}; after a restart ${counts.final} final, ${counts.running} running, ${counts.lost} lost, ${ranTwice(runs, starts).length} run twice`,
    );
    expect(first.stderr).toContain('Stopped.');
    expect(first.stderr).not.toContain('Stopping at once');
    expect(groupRunning(pgid)).toBe(false);
    expect(counts).toEqual({ final: BURST, running: 0, lost: 0, retrying: 0 });
    expect(takenOver(runs)).toBe(0);
    expect(ranTwice(runs, starts)).toEqual([]);
  });
});

/** A job with no retries whose body, while BLOCK_FILE exists, outlasts the test's patience. */
const LAST_ATTEMPT_JOB = `import { appendFileSync, existsSync } from 'node:fs';
import { defineJob, JobResult } from '#shared';

export default defineJob({
  timeout: 5,
  retries: 0,
  run: async (ctx) => {
    appendFileSync(process.env.BODY_LOG ?? '', \`\${ctx.runId} \${ctx.attempt}\\n\`);
    if (existsSync(process.env.BLOCK_FILE ?? '')) await new Promise((resolve) => setTimeout(resolve, 120_000));
    return JobResult.success('done');
  },
});
`;

async function outboxEmails(file: string): Promise<OutboxEmail[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxEmail);
}

describe('a worker killed after claiming the last attempt of a run', () => {
  it('leaves a run that ends timed out (no run stays running), alerts, and can be retried', async () => {
    const target = await project();
    await target.writeJob('fragile', LAST_ATTEMPT_JOB);
    const log = join(target.root, 'bodies.log');
    const block = join(target.root, 'block');
    await writeFile(block, '');
    const first = dev(target, { BODY_LOG: log, BLOCK_FILE: block });
    const url = await first.url();
    const alerting = await fetch(`${url}/jobs/fragile/alerts`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emailRecipients: ['ops@example.com'] }),
    });
    expect(alerting.status).toBe(200);
    const trigger = await fetch(`${url}/jobs/fragile/runs`, { method: 'POST', body: '{}' });
    const { runId } = (await trigger.json()) as { runId: string };
    await eventually(
      async () => (await bodyStarts(log)).size,
      (started) => started === 1,
    );
    await first.kill();
    await rm(block);

    const second = dev(target, { BODY_LOG: log, BLOCK_FILE: block });
    const restarted = await second.url();
    const ended = await eventually(
      () => attemptsOf(restarted, 'fragile', runId),
      (attempts) => attempts?.at(-1)?.status !== 'running',
      60_000,
    );
    const retry = await fetch(`${restarted}/jobs/fragile/runs/${runId}/retry`, { method: 'POST' });
    const retried = (await retry.json()) as { runId: string };
    const retryEnded = await eventually(
      () => attemptsOf(restarted, 'fragile', retried.runId),
      (attempts) => attempts?.at(-1)?.status === 'succeeded',
      60_000,
    );
    const emails = await eventually(
      async () => outboxEmails(join(target.dataDir, 'outbox.jsonl')),
      (sent) => sent.some((email) => email.runId === runId),
      30_000,
    );

    report(
      `a worker killed after claiming a run's last attempt: the run ended ${ended?.at(-1)?.status} (${ended?.at(-1)?.willRetry ? 'will retry' : 'final'}), ${emails.filter((email) => email.runId === runId).length} alert email; its retry answered ${retry.status} and ${retryEnded?.at(-1)?.status}`,
    );
    expect(ended).toMatchObject([
      { attempt: 1, status: 'timed_out', willRetry: false },
    ] satisfies Partial<Attempt>[]);
    expect(retry.status).toBe(202);
    expect(retryEnded?.at(-1)?.status).toBe('succeeded');
    expect(emails.filter((email) => email.runId === runId)).toMatchObject([
      { to: ['ops@example.com'], jobName: 'fragile' },
    ]);
  });
});
