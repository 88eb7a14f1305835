import type { JobsApi } from './api-client';
import type { CliIo } from './io';

/** What every command receives: its I/O, and the API the global options point at. */
export interface CommandContext {
  readonly io: CliIo;
  /** The API client, made on first use (a deployed stack's URL is looked up then). */
  api(): Promise<JobsApi>;
  /**
   * The command line a person would type to run `parts` against the same API (with the
   * `--url` or `--remote` given), for hints such as "Follow it with: npx jobctl history x".
   */
  commandLine(...parts: readonly string[]): string;
  /** How often `run --wait` polls the run. */
  readonly pollIntervalMs: number;
}

/** `--json`, which every read command takes. */
export interface JsonOption {
  readonly json?: boolean;
}
