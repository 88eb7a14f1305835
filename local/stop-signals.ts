/** Where the signals come from: `process`, or a stand-in in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopSignalsOptions {
  /** The graceful stop: lets runs in flight finish. */
  readonly stop: () => Promise<void>;
  /** Exits the process (`process.exit`). */
  readonly exit: (code: number) => void;
  /** Tells the person at the terminal what happens (stderr). */
  readonly write: (text: string) => void;
  /** @default process */
  readonly source?: SignalSource;
  /**
   * Signals within this many milliseconds of the first are that same Ctrl+C, delivered more
   * than once. @default 1000
   */
  readonly sameSignalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const DEFAULT_SAME_SIGNAL_MS = 1000;

/**
 * Ctrl+C (SIGINT) or SIGTERM stops gracefully, and another one later stops at once. One Ctrl+C
 * can arrive more than once: the terminal sends SIGINT to the whole foreground process group
 * (npm, its shell, this process), and npm forwards what it receives to its child, which is this
 * process where the shell runs the script in its own place (bash does). Signals that arrive
 * within `sameSignalMs` of the first are taken for that one Ctrl+C; only a later one forces.
 * Answers a function that removes the handlers.
 */
export function handleStopSignals(options: StopSignalsOptions): () => void {
  const source = options.source ?? process;
  const now = options.now ?? Date.now;
  const sameSignalMs = options.sameSignalMs ?? DEFAULT_SAME_SIGNAL_MS;
  let firstAt: number | undefined;
  const onSignal = () => {
    const at = now();
    if (firstAt === undefined) {
      firstAt = at;
      options.write('\nStopping: letting runs in flight finish (Ctrl+C again to force)...\n');
      options.stop().then(
        () => {
          options.write('Stopped.\n');
          options.exit(0);
        },
        (error: unknown) => {
          options.write(`The runtime did not stop cleanly: ${String(error)}\n`);
          options.exit(1);
        },
      );
      return;
    }
    if (at - firstAt < sameSignalMs) return;
    options.write(
      '\nStopping at once: runs in flight are kept in the data folder and run again at the next start.\n',
    );
    options.exit(130);
  };
  for (const signal of SIGNALS) source.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) source.off(signal, onSignal);
  };
}
