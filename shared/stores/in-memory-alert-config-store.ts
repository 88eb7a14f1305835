import {
  type AlertConfig,
  type AlertConfigInput,
  DEFAULT_ALERT_CONFIG_KEY,
  NO_ALERT_CONFIG,
} from '../alerts/alert-config';
import { validAlertConfig } from '../alerts/validate-alert-config';
import type { AlertConfigStore, EffectiveAlertConfig } from '../ports/alert-config-store';

/**
 * Alert configuration in memory, for the test invoker and unit tests; validates and falls back
 * to the default exactly as the DynamoDB store does.
 */
export class InMemoryAlertConfigStore implements AlertConfigStore {
  private readonly entries = new Map<string, AlertConfig>();

  /**
   * @param initial - entries to start with, by job name (`DEFAULT_ALERT_CONFIG_KEY` for the
   *   default); each is validated as `put` would, defaults filled in.
   */
  constructor(initial: Readonly<Record<string, AlertConfigInput>> = {}) {
    for (const [jobName, config] of Object.entries(initial)) {
      this.entries.set(jobName, validAlertConfig(jobName, config));
    }
  }

  async get(jobName: string): Promise<EffectiveAlertConfig> {
    const own = jobName === DEFAULT_ALERT_CONFIG_KEY ? undefined : await this.getOwn(jobName);
    if (own) return { config: own, source: 'job' };
    const fallback = await this.getOwn(DEFAULT_ALERT_CONFIG_KEY);
    if (fallback) return { config: fallback, source: 'default' };
    return { config: NO_ALERT_CONFIG, source: 'none' };
  }

  async getOwn(jobName: string): Promise<AlertConfig | undefined> {
    const config = this.entries.get(jobName);
    // A copy, as a real store returns: a caller's edits must not change what is stored.
    return config && structuredClone(config);
  }

  async put(jobName: string, config: AlertConfig): Promise<void> {
    this.entries.set(jobName, validAlertConfig(jobName, config));
  }

  async remove(jobName: string): Promise<void> {
    this.entries.delete(jobName);
  }
}
