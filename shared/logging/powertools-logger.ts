import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, Logger } from '../ports/logger';

/**
 * Powertools' Logger behind the `Logger` port: one JSON line per entry, with the attributes
 * as top-level keys, which CloudWatch Logs Insights can query.
 */
export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  const attributesOf = (attributes?: LogAttributes) => ({ ...attributes });
  return {
    debug: (message, attributes) => logger.debug(message, attributesOf(attributes)),
    info: (message, attributes) => logger.info(message, attributesOf(attributes)),
    warn: (message, attributes) => logger.warn(message, attributesOf(attributes)),
    error: (message, attributes) => logger.error(message, attributesOf(attributes)),
  };
}
