export type LogAttributes = Readonly<Record<string, unknown>>;

/**
 * Structured logging. Powertools' Logger serves it in Lambda (through `powertoolsLogger`); the
 * test invoker captures entries in memory.
 */
export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}
