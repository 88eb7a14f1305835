/**
 * Job bodies still running after their attempt ended: a body that ignored its signal (timeout,
 * cancellation) and kept going. JavaScript cannot stop it, so this process keeps track: no later
 * attempt of the same run starts its body beside one of these, and a Lambda sandbox that holds
 * one is recycled rather than reused (see the worker).
 */
export class LingeringBodies {
  private readonly bodies = new Map<string, Set<Promise<unknown>>>();

  /** Tracks `body`, an attempt's body that outlived its attempt, until it settles. */
  track(jobName: string, runId: string, body: Promise<unknown>): void {
    const key = keyOf(jobName, runId);
    const settled = body.then(
      () => undefined,
      () => undefined,
    );
    let set = this.bodies.get(key);
    if (!set) {
      set = new Set();
      this.bodies.set(key, set);
    }
    set.add(settled);
    void settled.then(() => {
      set?.delete(settled);
      if (set?.size === 0) this.bodies.delete(key);
    });
  }

  /** How many are still running, of every run. */
  get count(): number {
    let count = 0;
    for (const set of this.bodies.values()) count += set.size;
    return count;
  }

  /**
   * Resolves true once no body of the run lingers, or false if one still does after `waitMs`.
   */
  async settled(jobName: string, runId: string, waitMs: number): Promise<boolean> {
    const set = this.bodies.get(keyOf(jobName, runId));
    if (!set || set.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, waitMs));
    });
    const outcome = await Promise.race([Promise.all(set).then(() => 'settled' as const), timedOut]);
    clearTimeout(timer);
    return outcome === 'settled' && !this.bodies.has(keyOf(jobName, runId));
  }
}

function keyOf(jobName: string, runId: string): string {
  return `${jobName}\u0000${runId}`;
}
