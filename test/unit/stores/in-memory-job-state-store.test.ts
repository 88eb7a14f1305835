import { describe } from 'vitest';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';
import {
  describeJobStateStoreContract,
  describeTickCheckMarksContract,
} from '../../support/job-state-store-contract';

describe('InMemoryJobStateStore', () => {
  describeJobStateStoreContract(async (clock) => new InMemoryJobStateStore(() => clock.now()));
  describeTickCheckMarksContract(async (clock) => new InMemoryJobStateStore(() => clock.now()));
});
