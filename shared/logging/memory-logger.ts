import type { LogAttributes, Logger } from '../ports/logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly attributes: LogAttributes;
}

/** Keeps log entries in memory so a test can read what a job logged. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(message: string, attributes: LogAttributes = {}): void {
    this.entries.push({ level: 'debug', message, attributes });
  }

  info(message: string, attributes: LogAttributes = {}): void {
    this.entries.push({ level: 'info', message, attributes });
  }

  warn(message: string, attributes: LogAttributes = {}): void {
    this.entries.push({ level: 'warn', message, attributes });
  }

  error(message: string, attributes: LogAttributes = {}): void {
    this.entries.push({ level: 'error', message, attributes });
  }
}
