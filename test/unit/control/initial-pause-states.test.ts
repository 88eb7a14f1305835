import { describe, expect, it } from 'vitest';
import {
  applyInitialPauseStates,
  effectiveJobState,
  PAUSED_BY_DEFINITION,
} from '../../../shared/control/initial-pause-states';
import { InMemoryJobStateStore } from '../../../shared/stores/in-memory-job-state-store';

const dormant = { name: 'dormant', paused: true };
const active = { name: 'active', paused: false };

describe('applyInitialPauseStates', () => {
  it('pauses each job declared paused that has no pause state, naming them', async () => {
    const store = new InMemoryJobStateStore();

    const paused = await applyInitialPauseStates([dormant, active], store);

    expect(paused).toEqual(['dormant']);
    expect(await store.get('dormant')).toMatchObject({
      paused: true,
      pausedBy: PAUSED_BY_DEFINITION,
    });
    expect(await store.get('active')).toEqual({});
  });

  it('leaves a job declared paused that was resumed since, at every later start', async () => {
    const store = new InMemoryJobStateStore();
    await applyInitialPauseStates([dormant], store);
    await store.setPaused('dormant', false, 'alice');

    const paused = await applyInitialPauseStates([dormant], store);

    expect(paused).toEqual([]);
    expect(await store.get('dormant')).toEqual({ paused: false });
  });

  it('pauses hundreds of declared jobs, a few writes at a time', async () => {
    const store = new InMemoryJobStateStore();
    let inFlight = 0;
    let mostInFlight = 0;
    const counting = {
      setInitialPauseState: async (name: string, paused: boolean, by?: string) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return store.setInitialPauseState(name, paused, by);
      },
    };
    const jobs = Array.from({ length: 300 }, (_, index) => ({
      name: `legacy-${index}`,
      paused: true,
    }));

    const paused = await applyInitialPauseStates(jobs, counting);

    expect(paused).toHaveLength(300);
    expect(mostInFlight).toBeLessThanOrEqual(25);
  });
});

describe('effectiveJobState', () => {
  it("takes the definition's paused when no pause state was ever written", () => {
    expect(effectiveJobState(dormant, {})).toEqual({
      paused: true,
      pausedBy: PAUSED_BY_DEFINITION,
    });
    expect(effectiveJobState(active, {})).toEqual({ paused: false });
  });

  it('takes what the store holds once a pause state was written, whatever the definition says', () => {
    expect(effectiveJobState(dormant, { paused: false })).toEqual({ paused: false });
    expect(effectiveJobState(active, { paused: true, pausedBy: 'alice' })).toEqual({
      paused: true,
      pausedBy: 'alice',
    });
  });
});
