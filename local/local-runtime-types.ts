import type { AnyJobDefinition } from '../shared/job/job-definition';
import type { Clock } from '../shared/ports/clock';
import type { Logger } from '../shared/ports/logger';
import type { JobReload } from './job-reloader';

export interface LocalRuntimeOptions {
  /** The project whose `functions/jobs/**\/*.job.ts` are discovered. @default process.cwd() */
  readonly projectRoot?: string;
  /** Jobs to run instead of discovering them (tests); each needs a name. @default - discovered */
  readonly jobs?: readonly AnyJobDefinition[];
  /** The HTTP port of the API and dashboard; 0 picks a free one. @default PORT or 3000 */
  readonly port?: number;
  /** Where DynamoDB's data lives, so that history survives a restart. @default `<projectRoot>/.data` */
  readonly dataDir?: string;
  /** Keeps DynamoDB's data in memory instead (tests that need no restart). @default false */
  readonly inMemory?: boolean;
  /** Drives schedules, timeouts and recorded times. @default the system clock */
  readonly clock?: Clock;
  /** @default - JSON lines on stderr at `info` */
  readonly logger?: Logger;
  /** Prefixes table and queue names, as the deployed app's name does. @default 'jobs' */
  readonly appName?: string;
  /**
   * Webhook URLs by secret name, for alerts to Slack and Teams (tests). @default - from
   * `JOBS_SECRET_<NAME>` environment variables or `<dataDir>/secrets.json`
   */
  readonly webhookUrls?: Readonly<Record<string, string>>;
  /** How long `stop()` lets runs in flight finish before recording them as cancelled. @default 10000 */
  readonly shutdownGraceMs?: number;
  /**
   * Loads the job files again when they, or other code under the jobs folder's parent
   * (`functions/`), change: new jobs start, changed jobs run their new code, removed jobs stop.
   * Only for discovered jobs. @default true
   */
  readonly watch?: boolean;
  /** Told of each reload of the job files (`npm run dev` prints it). @default - logged only */
  readonly onJobsReloaded?: (reload: JobReload) => void;
  /**
   * Whether a schedule tick reaches its job's queue: a test of missed-run detection drops some,
   * as a lost delivery would. @default every tick is delivered
   */
  readonly deliversTick?: (tick: {
    readonly jobName: string;
    readonly scheduledTime: string;
  }) => boolean;
}

/** A job as the runtime started it. */
export interface LocalJob {
  readonly name: string;
  readonly queue: string;
  /** The next time its schedule fires, in its time zone's terms; absent without a schedule. */
  readonly nextFireTime?: Date;
  readonly timezone?: string;
}

export interface LocalRuntime {
  /** The API and dashboard: `http://localhost:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly jobs: readonly LocalJob[];
  /** The messages in a job's dead-letter queue: runs that used up their retries. */
  deadLetters(jobName: string): Promise<readonly string[]>;
  /**
   * Stops the scheduler and the pollers, lets runs in flight finish (or records them as
   * cancelled after the grace period), then stops the servers. Safe to call twice.
   */
  stop(): Promise<void>;
}
