import type { AlertRules } from '../job/job-definition';
import type { EffectiveAlertConfig } from '../ports/alert-config-store';
import { type AlertConfig, alertConfigSchema } from './alert-config';
import { effectiveRules } from './alert-rules';

const FIELDS: ReadonlySet<string> = new Set(Object.keys(alertConfigSchema.shape));

/**
 * The alert config a job gets today, as one entry: its own entry when it has one; otherwise the
 * default entry's (or the built-in) recipients and limit with the rules that apply to it, its
 * definition's included. A merge starts from this, so that the fields it does not name keep
 * working as they did.
 */
export function alertConfigInEffect(
  effective: EffectiveAlertConfig,
  defined: AlertRules | undefined,
): AlertConfig {
  if (effective.source === 'job') return effective.config;
  const { onDurationOverMs: _dropped, ...recipientsAndLimit } = effective.config;
  return { ...recipientsAndLimit, ...effectiveRules(effective.config, effective.source, defined) };
}

/**
 * `current` with `changes` merged in: each field given replaces the current value, and a known
 * field given as null is removed, so that its default applies again. Not validated: pass the
 * result to `validAlertConfig`, which reports unknown fields and bad values, and fills in
 * defaults.
 */
export function mergeAlertConfig(
  current: AlertConfig,
  changes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(changes)) {
    // An unknown field given as null stays, for validation to name it rather than ignore it.
    if (value === null && FIELDS.has(field)) delete merged[field];
    else merged[field] = value;
  }
  return merged;
}
