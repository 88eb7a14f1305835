import { describe, expect, it } from 'vitest';
import { cli } from './cli-harness';

describe('jobctl dashboard', () => {
  it('without --remote, says the local runtime serves its own, as a usage error', async () => {
    const { code, stderr } = await cli(['dashboard']);

    expect(code).toBe(2);
    expect(stderr).toContain('npx jobctl --remote <stack> dashboard');
    expect(stderr).toContain('http://localhost:3000 (npm run dev)');
  });
});
