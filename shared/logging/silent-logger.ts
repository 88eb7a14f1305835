import type { Logger } from '../ports/logger';

const ignore = (): void => {};

/** A logger that drops everything, for benchmarks and callers that record elsewhere. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
