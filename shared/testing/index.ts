// The test harness users import into their own tests: no AWS, no network, no shared state.

export { ManualClock } from '../clock/manual-clock';
export type { LogEntry, LogLevel } from '../logging/memory-logger';
export { MemoryLogger } from '../logging/memory-logger';
export {
  createTestInvoker,
  type TestInvoker,
  type TestInvokerOptions,
  type TestRunOptions,
} from './test-invoker';
