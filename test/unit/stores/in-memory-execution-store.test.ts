import { describe } from 'vitest';
import { InMemoryExecutionStore } from '../../../shared/stores/in-memory-execution-store';
import { describeAttemptClaims } from '../../support/execution-store-claims';

describe("InMemoryExecutionStore's claims, as every execution store makes them", () => {
  describeAttemptClaims(async () => new InMemoryExecutionStore());
});
