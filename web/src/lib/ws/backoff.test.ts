import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCap, backoffDelay, DEFAULT_BACKOFF } from "./backoff";

const options = fc.record({
  initialMs: fc.integer({ min: 1, max: 10_000 }),
  maxMs: fc.integer({ min: 1, max: 600_000 }),
  factor: fc.double({ min: 1, max: 4, noNaN: true }),
});

describe("backoff", () => {
  it("every delay lies in [0, cap] and the cap never exceeds maxMs", () => {
    fc.assert(
      fc.property(options, fc.nat({ max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (o, attempt, r) => {
        const cap = backoffCap(attempt, o);
        const delay = backoffDelay(attempt, () => r, o);
        expect(cap).toBeLessThanOrEqual(o.maxMs);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it("the cap grows with the attempt until it reaches maxMs", () => {
    fc.assert(
      fc.property(options, fc.nat({ max: 200 }), (o, attempt) => {
        expect(backoffCap(attempt + 1, o)).toBeGreaterThanOrEqual(backoffCap(attempt, o));
      }),
    );
    expect([0, 1, 2, 3].map((a) => backoffCap(a))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(backoffCap(100)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it("clamps a misbehaving random source", () => {
    expect(backoffDelay(3, () => 7)).toBe(backoffCap(3));
    expect(backoffDelay(3, () => -1)).toBe(0);
  });
});
