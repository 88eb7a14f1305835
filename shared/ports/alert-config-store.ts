import type { AlertConfig } from '../alerts/alert-config';

/** A job's alert configuration, and where it came from. */
export interface EffectiveAlertConfig {
  readonly config: AlertConfig;
  /** `job` when the job has its own entry, `default` when the default applies, `none` if neither. */
  readonly source: 'job' | 'default' | 'none';
}

export interface AlertConfigStore {
  /** The job's own entry, or the default entry when it has none. */
  get(jobName: string): Promise<EffectiveAlertConfig>;
  /** The job's own entry only; `undefined` when it has none. */
  getOwn(jobName: string): Promise<AlertConfig | undefined>;
  /** Replaces the job's own entry (or, with `DEFAULT_ALERT_CONFIG_KEY`, the default). */
  put(jobName: string, config: AlertConfig): Promise<void>;
  /** Removes the job's own entry, so that the default applies again. */
  remove(jobName: string): Promise<void>;
}
