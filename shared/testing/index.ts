// The test harness users import into their own tests: no AWS, no network, no shared state.

export { ManualClock } from '../clock/manual-clock';
export type { LogEntry, LogLevel } from '../logging/memory-logger';
export { MemoryLogger } from '../logging/memory-logger';
export {
  createTestInvoker,
  type TestDeps,
  type TestDepsOf,
  type TestExecution,
  type TestInputOf,
  type TestInvoker,
  type TestInvokerOptions,
  type TestJob,
  type TestJobDefinition,
  type TestJobName,
  type TestRunOptions,
} from './test-invoker';
export { type MissingEnqueueTarget, UnknownEnqueueTargetError } from './test-invoker-errors';
