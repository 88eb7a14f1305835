import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  onTestFailed,
} from 'vitest';
import { z } from 'zod';
import { startLocalRuntime } from '../../local/local-runtime';
import type { LocalRuntime } from '../../local/local-runtime-types';
import { defineJob } from '../../shared/job/define-job';
import type { AnyJobDefinition, AnyNamedJobDefinition } from '../../shared/job/job-definition';
import { JobResult } from '../../shared/job/job-result';
import { MemoryLogger } from '../../shared/logging/memory-logger';
import { launchChromium } from '../support/chromium';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const SCREENSHOT = join(REPO_ROOT, 'screenshots', 'dashboard.png');
// A run goes through the embedded SQS queue and the worker's poller before it shows.
const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 90_000;

let browser: Browser | undefined;
let browserProblem: unknown;
const runtimes: LocalRuntime[] = [];
/** Closes each page opened by the test. */
const dashboards: (() => Promise<void>)[] = [];

beforeAll(async () => {
  try {
    browser = await launchChromium();
  } catch (error) {
    browserProblem = error;
  }
  // The packaged Chromium's first extraction takes seconds, more on a busy machine.
}, 120_000);

// Each test fails with the reason, rather than the file quietly skipping them.
beforeEach(() => {
  if (browserProblem) throw browserProblem;
});

afterAll(async () => {
  await browser?.close();
});

// Pages first: a dashboard left open keeps polling the server that is being stopped.
afterEach(async () => {
  await Promise.all(dashboards.splice(0).map((close) => close()));
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.stop()));
}, 30_000);

/** Names unique to one test, so that parallel runs never share a job. */
function uniqueName(base: string): string {
  return `${base}-${randomUUID().slice(0, 8)}`;
}

function named(job: AnyJobDefinition): AnyNamedJobDefinition {
  if (job.name === undefined) throw new Error('Give each job of this test a name');
  return job as AnyNamedJobDefinition;
}

/** The local runtime, in memory on a free port, with these jobs (each given a name). */
async function startRuntime(jobs: readonly AnyJobDefinition[]) {
  const logger = new MemoryLogger();
  const runtime = await startLocalRuntime({
    port: 0,
    inMemory: true,
    jobs: jobs.map(named),
    logger,
    shutdownGraceMs: 2000,
  });
  runtimes.push(runtime);
  onTestFailed(() => {
    console.error(
      'The local runtime logged:\n',
      logger.entries.map((entry) => JSON.stringify(entry)).join('\n'),
    );
  });
  return runtime;
}

/** What a test reads of a `<canvas>` (the tests' TypeScript has no DOM types). */
interface CanvasLike {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> };
  } | null;
}

const API_PATH = /^\/(jobs|runs|health|stats)(\/|$)/;

/**
 * The dashboard in a fresh page. Any request that leaves the runtime's origin is blocked and
 * recorded, as are script errors and static files that fail to load, so that each test also
 * checks that the page works offline.
 */
async function openDashboard(runtime: LocalRuntime, { language }: { language?: string } = {}) {
  if (!browser) throw new Error('Chromium did not start; see the error before the tests');
  // A language tag as a user's browser has it: a bare Chromium under LANG=C says `en-US@posix`.
  const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, locale: 'en-US' });
  if (language !== undefined) {
    await page.addInitScript(
      `Object.defineProperty(navigator, 'language', { get: () => ${JSON.stringify(language)} })`,
    );
  }
  const problems: string[] = [];
  let inFlight = 0;
  let closing = false;
  page.on('request', () => inFlight++);
  page.on('requestfinished', () => inFlight--);
  page.on('requestfailed', () => inFlight--);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs each 4xx answer as an error, and the API answers 400 to bad input by
    // design; failed static files are caught below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && !API_PATH.test(url.pathname)) {
      problems.push(`${url.pathname} answered ${response.status()}`);
    }
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (closing) return route.abort();
    if (url.startsWith(`${runtime.url}/`) || url === runtime.url) return route.continue();
    problems.push(`request outside the runtime: ${url}`);
    return route.abort();
  });
  // The page stops polling and its requests finish before the runtime stops: a request cut off
  // mid-way would leave the API reading a database that is being closed.
  dashboards.push(async () => {
    closing = true;
    for (const deadline = Date.now() + 5000; inFlight > 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await page.close();
  });
  await page.goto(runtime.url);
  return { page, problems };
}

function jobRow(page: Page, jobName: string) {
  return page.locator(`[data-testid="job-row"][data-job="${jobName}"]`);
}

async function triggerFromPage(page: Page, jobName: string, input: string): Promise<void> {
  await jobRow(page, jobName).getByTestId('job-run-now').click();
  await page.locator(`[data-testid="job-panel"][data-job="${jobName}"]`).waitFor();
  await page.getByTestId('trigger-input').fill(input);
  await page.getByTestId('trigger-submit').click();
}

describe('the dashboard', { timeout: TEST_TIMEOUT_MS }, () => {
  it('triggers a job with JSON input and shows its run succeed', async () => {
    const greet = uniqueName('greet');
    const ledger = uniqueName('import-ledger');
    const runtime = await startRuntime([
      defineJob({
        name: greet,
        displayName: 'Greeter',
        description: 'Says hello to whoever the input names.',
        schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/London' },
        // Schedule ticks run without input: they greet the world.
        input: z.object({ who: z.string().min(1) }).default({ who: 'world' }),
        run: async (ctx) => JobResult.success(`hello ${ctx.input.who}`),
      }),
      defineJob({
        name: ledger,
        displayName: 'Import ledger',
        description: 'Imports the nightly ledger file.',
        schedule: { rate: '15 minutes' },
        retries: 0,
        run: async () => {
          throw new Error('the ledger file is missing');
        },
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);

    await triggerFromPage(page, greet, '{ "who": "Ada" }');
    const runId = (await page.getByTestId('trigger-run-link').textContent()) ?? '';
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await runRow.and(page.locator('[data-status="succeeded"]')).waitFor({
      timeout: RUN_TIMEOUT_MS,
    });

    expect(runId).toMatch(/^[0-9A-Z]{26}$/);
    expect(await runRow.getByTestId('run-status').textContent()).toBe('Succeeded');
    expect(await runRow.getByTestId('run-result').textContent()).toBe('hello Ada');
    expect(await runRow.getByTestId('run-attempts').textContent()).toBe('1 of 4');
    expect(await jobRow(page, greet).getByTestId('job-schedule-words').textContent()).toBe(
      'At 09:00, Monday through Friday (Europe/London)',
    );
    expect(problems).toEqual([]);

    // A failure beside it, for the screenshot: the failures list and the job list show it.
    await jobRow(page, ledger).getByTestId('job-run-now').click();
    await page.getByTestId('trigger-submit').click();
    await page.locator(`[data-testid="failure-row"][data-job="${ledger}"]`).waitFor({
      timeout: RUN_TIMEOUT_MS,
    });
    await page.goto(`${runtime.url}/#/jobs/${greet}`);
    await runRow.waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await mkdir(join(REPO_ROOT, 'screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("shows the API's field errors for input that fails the job's schema", async () => {
    const greet = uniqueName('greet');
    const runtime = await startRuntime([
      defineJob({
        name: greet,
        input: z.object({ who: z.string().min(1), times: z.number().int() }),
        run: async () => JobResult.success(),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);

    await triggerFromPage(page, greet, '{ "who": "", "times": "twice" }');
    const errors = page.getByTestId('trigger-field-error');
    await errors.first().waitFor();

    expect(await page.getByTestId('trigger-error').textContent()).toContain('rejected');
    expect(await errors.evaluateAll((items) => items.map((item) => item.dataset.path))).toEqual([
      'input.who',
      'input.times',
    ]);
    expect(await page.getByTestId('trigger-input').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('history-empty').waitFor();
    expect(problems).toEqual([]);
  });

  it('says input that is not JSON is not sent', async () => {
    const greet = uniqueName('greet');
    const runtime = await startRuntime([
      defineJob({ name: greet, run: async () => JobResult.success() }),
    ]);
    const { page, problems } = await openDashboard(runtime);

    await triggerFromPage(page, greet, '{ who: Ada }');

    expect(await page.getByTestId('trigger-error').textContent()).toContain(
      'not valid JSON, so nothing was sent',
    );
    expect(problems).toEqual([]);
  });

  it("shows a failed run's error name, message and stack, and retries it", async () => {
    const ledger = uniqueName('import-ledger');
    const runtime = await startRuntime([
      defineJob({
        name: ledger,
        retries: 0,
        run: async () => {
          const error = new RangeError('the ledger file is missing');
          throw error;
        },
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, ledger, '');
    const runId = (await page.getByTestId('trigger-run-link').textContent()) ?? '';
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await runRow.and(page.locator('[data-status="failed"]')).waitFor({ timeout: RUN_TIMEOUT_MS });

    await runRow.getByTestId('run-open').click();
    const drawer = page.locator(`[data-testid="run-drawer"][data-run-id="${runId}"]`);
    const attempt = drawer.getByTestId('attempt');
    await attempt.waitFor();

    expect(await attempt.getByTestId('attempt-status').textContent()).toBe('Failed');
    expect(await attempt.getByTestId('attempt-error-name').textContent()).toBe('RangeError');
    expect(await attempt.getByTestId('attempt-error-message').textContent()).toBe(
      'the ledger file is missing',
    );
    expect(await attempt.getByTestId('attempt-error-stack').textContent()).toContain(
      'dashboard.browser.test.ts',
    );

    await drawer.getByTestId('run-drawer-retry').click();
    const retried = page.locator(`[data-testid="run-drawer"]:not([data-run-id="${runId}"])`);
    await retried.waitFor();
    const retryRunId = (await retried.getAttribute('data-run-id')) ?? '';
    await page
      .locator(`[data-testid="run-row"][data-run-id="${retryRunId}"][data-status="failed"]`)
      .waitFor({ timeout: RUN_TIMEOUT_MS });

    expect(retryRunId).not.toBe(runId);
    expect(problems).toEqual([]);
  });

  it('cancels a running run from its drawer, and shows who cancelled it', async () => {
    const exportJob = uniqueName('long-export');
    const runtime = await startRuntime([
      defineJob({
        name: exportJob,
        timeout: '2 minutes',
        run: (ctx) =>
          new Promise<undefined>((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          }),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, exportJob, '');
    const runId = (await page.getByTestId('trigger-run-link').textContent()) ?? '';
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await runRow.and(page.locator('[data-status="running"]')).waitFor({ timeout: RUN_TIMEOUT_MS });

    await runRow.getByTestId('run-open').click();
    const drawer = page.locator(`[data-testid="run-drawer"][data-run-id="${runId}"]`);
    await drawer.getByTestId('run-drawer-cancel').click();
    await runRow
      .and(page.locator('[data-status="cancelled"]'))
      .waitFor({ timeout: RUN_TIMEOUT_MS });
    await drawer.getByTestId('run-drawer-status').filter({ hasText: 'Cancelled' }).waitFor();

    expect(await drawer.getByTestId('attempt').textContent()).toMatch(/Cancelled by\s*local:/);
    expect(await drawer.getByTestId('run-drawer-cancel').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("lists a job's dead letters and redrives them into new runs", async () => {
    const ledger = uniqueName('ledger-import');
    let calls = 0;
    const runtime = await startRuntime([
      defineJob({
        name: ledger,
        retries: 0,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error('the ledger file is missing');
          return JobResult.success('imported');
        },
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, ledger, '');
    const runId = (await page.getByTestId('trigger-run-link').textContent()) ?? '';

    const letter = page.locator(`[data-testid="dead-letter"]`);
    await letter.waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await letter.getByRole('link').textContent()).toBe(runId);
    expect(await letter.getByTestId('dead-letter-reason').textContent()).toContain(
      'the ledger file is missing',
    );

    await page.getByTestId('dead-letters-redrive').click();
    await page
      .locator('[data-testid="run-row"][data-status="succeeded"]')
      .waitFor({ timeout: RUN_TIMEOUT_MS });
    await letter.waitFor({ state: 'detached', timeout: RUN_TIMEOUT_MS });

    expect(await page.getByTestId('notice-redrive').textContent()).toContain(
      'Sent 1 dead letter back',
    );
    expect(problems).toEqual([]);
  });

  it("shows a schedule as written and as Scheduler takes it, and the next runs on the job's clock", async () => {
    const opening = uniqueName('market-open');
    const runtime = await startRuntime([
      defineJob({
        name: opening,
        schedule: { cron: '0 7 * * 1-5', timezone: 'America/New_York' },
        run: async () => JobResult.success('rang the bell'),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);

    await jobRow(page, opening).getByTestId('job-title').click();
    const panel = page.locator(`[data-testid="job-panel"][data-job="${opening}"]`);
    const nextRuns = panel.getByTestId('job-next-runs').locator('li');
    await nextRuns.first().waitFor();

    expect(await panel.getByTestId('job-schedule-source').textContent()).toBe('0 7 * * 1-5');
    expect(await panel.getByTestId('job-schedule-expression').textContent()).toBe(
      'cron(0 7 ? * MON-FRI *)',
    );
    for (const text of await nextRuns.locator('.abs').allTextContents()) {
      // 07:00 on the job's clock, whatever the browser's zone; the locale may add AM.
      expect(text).toMatch(/07:00( AM)? America\/New_York$/);
    }
    expect(await nextRuns.first().locator('time').getAttribute('title')).toContain('Your time:');
    expect(problems).toEqual([]);
  });

  it("filters a job's history by status and by trigger", async () => {
    const sync = uniqueName('partner-sync');
    const runtime = await startRuntime([
      defineJob({
        name: sync,
        retries: 0,
        input: z.object({ fail: z.boolean() }),
        run: async (ctx) =>
          ctx.input.fail ? JobResult.failure('the partner refused') : JobResult.success('synced'),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, sync, '{"fail": false}');
    await page.locator('[data-testid="run-row"][data-status="succeeded"]').waitFor({
      timeout: RUN_TIMEOUT_MS,
    });
    await triggerFromPage(page, sync, '{"fail": true}');
    await page.locator('[data-testid="run-row"][data-status="failed"]').waitFor({
      timeout: RUN_TIMEOUT_MS,
    });

    await page.getByTestId('history-status-filter').selectOption('failed');
    const rows = page.getByTestId('run-row');
    const failedOnly = await rows.evaluateAll((found) => found.map((row) => row.dataset.status));
    await page.getByTestId('history-status-filter').selectOption('');
    await page.getByTestId('history-trigger-filter').selectOption('schedule');
    const empty = await page.getByTestId('history-empty').textContent();
    await page.getByTestId('history-trigger-filter').selectOption('api');

    expect(failedOnly).toEqual(['failed']);
    expect(empty).toBe('No run loaded matches the filters.');
    expect(await rows.count()).toBe(2);
    expect(problems).toEqual([]);
  });

  it("builds the trigger form's fields from the job's input schema, with an example to start from", async () => {
    const notify = uniqueName('notify-ops');
    const runtime = await startRuntime([
      defineJob({
        name: notify,
        input: z.object({
          to: z.email().describe('who gets it'),
          kind: z.enum(['page', 'email']),
          copies: z.number().int().default(1),
          urgent: z.boolean().optional(),
        }),
        run: async (ctx) =>
          JobResult.success(`${ctx.input.kind} to ${ctx.input.to}, urgent: ${ctx.input.urgent}`),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await jobRow(page, notify).getByTestId('job-title').click();
    const fields = page.getByTestId('trigger-fields');
    await fields.getByTestId('trigger-field-to').waitFor();

    await fields.getByTestId('trigger-use-example').click();
    const example = JSON.parse(await page.getByTestId('trigger-input').inputValue());
    await fields.getByTestId('trigger-field-to').fill('ops@example.com');
    await fields.getByTestId('trigger-field-urgent').check();
    const edited = JSON.parse(await page.getByTestId('trigger-input').inputValue());
    await page.getByTestId('trigger-submit').click();
    await page
      .locator('[data-testid="run-row"][data-status="succeeded"]')
      .waitFor({ timeout: RUN_TIMEOUT_MS });

    expect(example).toEqual({ to: 'user@example.com', kind: 'page' });
    expect(await fields.getByTestId('trigger-field-kind').inputValue()).toBe('page');
    expect(edited).toEqual({ to: 'ops@example.com', kind: 'page', urgent: true });
    expect(await fields.locator('.hint').first().textContent()).toBe('who gets it');
    expect(problems).toEqual([]);
  });

  it('pauses and resumes a job', async () => {
    const nightly = uniqueName('nightly');
    const runtime = await startRuntime([
      defineJob({
        name: nightly,
        schedule: { cron: '0 2 * * *', timezone: 'Europe/London' },
        run: async () => JobResult.success(),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    const row = jobRow(page, nightly);

    await row.getByTestId('job-pause').click();
    await row.and(page.locator('[data-paused="true"]')).waitFor();
    const pausedLabel = await row.getByTestId('job-paused').textContent();
    await row.getByTestId('job-resume').click();
    await row.and(page.locator('[data-paused="false"]')).waitFor();

    expect(pausedLabel).toBe('Paused');
    expect(await row.getByTestId('job-paused').textContent()).toBe('Active');
    expect(problems).toEqual([]);
  });

  it('pauses and resumes every job at once, once asked to confirm', async () => {
    const first = uniqueName('first');
    const second = uniqueName('second');
    const runtime = await startRuntime([
      defineJob({ name: first, run: async () => JobResult.success() }),
      defineJob({ name: second, run: async () => JobResult.success() }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    const states = () =>
      page
        .locator('[data-testid="job-row"]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-paused')));
    await jobRow(page, second).waitFor();
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });

    await page.getByTestId('pause-all').click();
    await expect.poll(states).toEqual(['true', 'true']);
    await page.getByTestId('resume-all').click();
    await expect.poll(states).toEqual(['false', 'false']);

    expect(questions[0]).toContain('Pause every job?');
    expect(await page.getByTestId('notice-all-paused').first().textContent()).toContain(
      'Paused all 2 jobs',
    );
    expect(problems).toEqual([]);
  });

  it('formats the input and keeps what was typed for each job', async () => {
    const greet = uniqueName('greet');
    const other = uniqueName('other');
    const runtime = await startRuntime([
      defineJob({ name: greet, run: async () => JobResult.success() }),
      defineJob({ name: other, run: async () => JobResult.success() }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    const input = page.getByTestId('trigger-input');

    await jobRow(page, greet).getByTestId('job-run-now').click();
    await page.locator(`[data-testid="job-panel"][data-job="${greet}"]`).waitFor();
    await input.fill('{"who":"Grace"}');
    await page.getByTestId('trigger-format').click();
    const formatted = await input.inputValue();
    await jobRow(page, other).getByTestId('job-title').click();
    await page.locator(`[data-testid="job-panel"][data-job="${other}"]`).waitFor();
    const otherJobsInput = await input.inputValue();
    await jobRow(page, greet).getByTestId('job-title').click();
    await page.locator(`[data-testid="job-panel"][data-job="${greet}"]`).waitFor();

    expect(formatted).toBe('{\n  "who": "Grace"\n}');
    expect(otherJobsInput).toBe('');
    expect(await input.inputValue()).toBe(formatted);
    expect(problems).toEqual([]);
  });

  it("fills in the last run's input, and Escape closes a run's drawer", async () => {
    const greet = uniqueName('greet');
    const runtime = await startRuntime([
      defineJob({
        name: greet,
        input: z.object({ who: z.string() }),
        run: async (ctx) => JobResult.success(`hello ${ctx.input.who}`),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, greet, '{"who":"Ada"}');
    const runId = (await page.getByTestId('trigger-run-link').textContent()) ?? '';
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await runRow.and(page.locator('[data-status="succeeded"]')).waitFor({
      timeout: RUN_TIMEOUT_MS,
    });
    const input = page.getByTestId('trigger-input');

    await input.fill('');
    await page.getByTestId('trigger-use-last-input').click();
    const lastInput = await input.inputValue();
    await runRow.getByTestId('run-open').click();
    await page.locator(`[data-testid="run-drawer"][data-run-id="${runId}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('run-drawer').waitFor({ state: 'hidden' });

    expect(lastInput).toBe('{\n  "who": "Ada"\n}');
    expect(new URL(page.url()).hash).toBe(`#/jobs/${greet}`);
    expect(problems).toEqual([]);
  });

  it("charts a job's runs per hour by outcome and its durations, and trends each job in the list", async () => {
    const flaky = uniqueName('flaky');
    let calls = 0;
    const runtime = await startRuntime([
      defineJob({
        name: flaky,
        schedule: { cron: '0 7 * * *', timezone: 'America/New_York' },
        retries: 0,
        run: async () => {
          calls += 1;
          if (calls === 2) throw new Error('the upstream API answered 503');
          return JobResult.success();
        },
      }),
    ]);
    for (let count = 0; count < 3; count++) {
      const response = await fetch(`${runtime.url}/jobs/${flaky}/runs`, { method: 'POST' });
      expect(response.status).toBe(202);
    }
    const { page, problems } = await openDashboard(runtime);
    await page.goto(`${runtime.url}/#/jobs/${flaky}`);

    const summary = page.getByTestId('stats-summary');
    await expect
      .poll(() => summary.textContent(), { timeout: RUN_TIMEOUT_MS })
      .toMatch(/^3 runs · 1 failed · p50 ≤ \S+ ms · p95 ≤ \S+ ms$/);
    const trend = jobRow(page, flaky).getByTestId('job-trend');
    await expect.poll(() => trend.getAttribute('data-runs')).toBe('3');
    expect(await trend.getAttribute('data-failures')).toBe('1');
    expect(await trend.locator('canvas').count()).toBe(1);

    // The bars are drawn: the outcome chart's canvas holds the colours of both outcomes.
    const outcomes = page.getByTestId('chart-outcomes');
    // On the job's clock, as the rest of its panel.
    expect(await outcomes.locator('.u-title').textContent()).toBe(
      'Runs per hour, by outcome (America/New_York time)',
    );
    const colours = await outcomes.locator('canvas').evaluate((canvas: CanvasLike) => {
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<string>();
      for (let at = 0; pixels && at < pixels.length; at += 4) {
        seen.add(`${pixels[at]},${pixels[at + 1]},${pixels[at + 2]}`);
      }
      return [...seen];
    });
    expect(colours).toEqual(expect.arrayContaining(['27,107,52', '164,33,27']));
    const legend = await outcomes.locator('.u-legend .u-series .u-label').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['Succeeded', 'Failed', 'Retried']));
    expect(await page.getByTestId('chart-durations').locator('.u-title').textContent()).toContain(
      'Duration per hour',
    );

    await page.getByTestId('stats-range-7d').click();
    await expect
      .poll(() => page.getByTestId('stats-range-7d').getAttribute('aria-pressed'))
      .toBe('true');
    await expect.poll(() => summary.textContent()).toMatch(/^3 runs · 1 failed/);
    expect(problems).toEqual([]);
  });

  it('shows the jobs and says why when the browser’s language stops the charting library', async () => {
    const tick = uniqueName('tick');
    const runtime = await startRuntime([
      defineJob({ name: tick, run: async () => JobResult.success() }),
    ]);
    // uPlot formats numbers in navigator.language as it loads; Intl refuses this tag.
    const { page, problems } = await openDashboard(runtime, { language: 'en-US@posix' });
    await page.goto(`${runtime.url}/#/jobs/${tick}`);

    await page.getByTestId('charts-unavailable').waitFor({ timeout: RUN_TIMEOUT_MS });
    expect(await page.getByTestId('charts-unavailable').textContent()).toContain(
      'Invalid language tag',
    );
    expect(await jobRow(page, tick).getByTestId('job-trend-none').count()).toBe(1);
    expect(await page.getByTestId('trigger-submit').isEnabled()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('loads older runs a page at a time', async () => {
    const tick = uniqueName('tick');
    const runtime = await startRuntime([
      defineJob({ name: tick, run: async () => JobResult.success() }),
    ]);
    // One more run than the history's page of 20.
    for (let count = 0; count < 21; count++) {
      const response = await fetch(`${runtime.url}/jobs/${tick}/runs`, { method: 'POST' });
      expect(response.status).toBe(202);
    }
    const { page, problems } = await openDashboard(runtime);
    await page.goto(`${runtime.url}/#/jobs/${tick}`);
    const status = page.getByTestId('history-status');
    const more = page.getByTestId('history-more');
    await expect
      .poll(async () => (await more.isVisible()) && (await status.textContent()), {
        timeout: RUN_TIMEOUT_MS,
      })
      .toBe('20 runs shown');

    await more.click();
    await expect.poll(() => status.textContent()).toBe('21 runs shown, all there are');

    expect(await page.getByTestId('run-row').count()).toBe(21);
    expect(await more.isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('shows job text and error text as text, never as HTML', async () => {
    const html = uniqueName('html');
    const markup = '<img src="x" onerror="window.injected = true"><b>bold</b>';
    const runtime = await startRuntime([
      defineJob({
        name: html,
        description: markup,
        retries: 0,
        run: async () => JobResult.failure(markup),
      }),
    ]);
    const { page, problems } = await openDashboard(runtime);
    await triggerFromPage(page, html, '');
    await page
      .locator(`[data-testid="failure-row"][data-job="${html}"]`)
      .waitFor({ timeout: RUN_TIMEOUT_MS });

    expect(await jobRow(page, html).getByTestId('job-description').textContent()).toBe(markup);
    expect(await page.getByTestId('failure-error').first().textContent()).toContain(markup);
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as { injected?: boolean }).injected),
    ).toBeUndefined();
    // The broken image would have been requested from the runtime, had it been markup.
    expect(problems).toEqual([]);
  });
});
