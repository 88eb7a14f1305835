import type { LogAttributes, Logger } from '../ports/logger';

/** A logger that adds `scope` (job name, run id, attempt) to every entry it passes on. */
export function scopedLogger(logger: Logger, scope: LogAttributes): Logger {
  return {
    debug: (message, attributes) => logger.debug(message, { ...scope, ...attributes }),
    info: (message, attributes) => logger.info(message, { ...scope, ...attributes }),
    warn: (message, attributes) => logger.warn(message, { ...scope, ...attributes }),
    error: (message, attributes) => logger.error(message, { ...scope, ...attributes }),
  };
}
