import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handleStopSignals } from '../../../local/stop-signals';

/** A process stand-in: signals to emit, a clock to move, and what was stopped, written and exited. */
function harness(stop: () => Promise<void> = () => Promise.resolve()) {
  const source = new EventEmitter();
  const events: string[] = [];
  let now = 0;
  let stops = 0;
  const remove = handleStopSignals({
    source,
    now: () => now,
    stop: () => {
      stops += 1;
      return stop();
    },
    exit: (code) => events.push(`exit ${code}`),
    write: (text) => events.push(text.trim()),
  });
  return {
    signal: (name: NodeJS.Signals, atMs: number) => {
      now = atMs;
      source.emit(name);
    },
    events,
    stops: () => stops,
    remove,
    source,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('handleStopSignals', () => {
  it('stops gracefully once on a Ctrl+C that arrives twice at once (terminal and npm)', async () => {
    let finish = () => {};
    const process = harness(() => new Promise<void>((resolve) => (finish = resolve)));

    process.signal('SIGINT', 0);
    process.signal('SIGINT', 5);
    process.signal('SIGTERM', 900);
    finish();
    await settle();

    expect(process.stops()).toBe(1);
    expect(process.events).toEqual([
      'Stopping: letting runs in flight finish (Ctrl+C again to force)...',
      'Stopped.',
      'exit 0',
    ]);
  });

  it('stops at once on a second Ctrl+C a moment later', async () => {
    const process = harness(() => new Promise<void>(() => {}));

    process.signal('SIGINT', 0);
    process.signal('SIGINT', 1_500);
    await settle();

    expect(process.stops()).toBe(1);
    expect(process.events).toEqual([
      'Stopping: letting runs in flight finish (Ctrl+C again to force)...',
      'Stopping at once: runs in flight are kept in the data folder and run again at the next start.',
      'exit 130',
    ]);
  });

  it('exits 1 with the reason when the graceful stop fails', async () => {
    const process = harness(() => Promise.reject(new Error('tables locked')));

    process.signal('SIGTERM', 0);
    await settle();

    expect(process.events.slice(1)).toEqual([
      'The runtime did not stop cleanly: Error: tables locked',
      'exit 1',
    ]);
  });

  it('listens no more once removed', () => {
    const process = harness();

    process.remove();

    expect(process.source.listenerCount('SIGINT') + process.source.listenerCount('SIGTERM')).toBe(
      0,
    );
  });
});
