import { describe } from 'vitest';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import { describeJobStateStoreContract } from '../../support/job-state-store-contract';

describe('InMemoryJobStateStore', () => {
  describeJobStateStoreContract(async (clock) => new InMemoryJobStateStore(() => clock.now()));
});
