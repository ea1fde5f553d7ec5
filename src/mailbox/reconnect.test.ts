import { describe, expect, it } from 'vitest';
import { backoffDelay } from './reconnect.js';

describe('reconnect backoff', () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };
  it('doubles each attempt, between half and the whole step', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, options, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, options, () => 0.999999))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempt of [6, 7, 20, 1_000]) {
      expect(backoffDelay(attempt, options, () => 0.999999)).toBe(60_000);
      expect(backoffDelay(attempt, options, () => 0)).toBe(30_000);
    }
  });
  it('spreads workers that lost the server at the same moment', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, options)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
