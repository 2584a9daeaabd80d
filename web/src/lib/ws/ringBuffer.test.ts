import { describe, expect, it } from "vitest";
import { RingBuffer } from "./ringBuffer";

// The connection log's buffer: the last `capacity` entries, oldest first.
describe("RingBuffer", () => {
  it("counts up to its capacity and then stays there", () => {
    const rb = new RingBuffer<number>(3);
    expect(rb.size).toBe(0);
    expect(rb.toArray()).toEqual([]);
    rb.push(1);
    rb.push(2);
    expect(rb.size).toBe(2);
    expect(rb.toArray()).toEqual([1, 2]);
    rb.push(3);
    rb.push(4);
    rb.push(5);
    expect(rb.size).toBe(3);
    expect(rb.toArray()).toEqual([3, 4, 5]);
  });

  it("wraps around more than once", () => {
    const rb = new RingBuffer<number>(2);
    for (let i = 1; i <= 7; i += 1) rb.push(i);
    expect(rb.toArray()).toEqual([6, 7]);
  });

  it("holds one item at capacity 1", () => {
    const rb = new RingBuffer<string>(1);
    rb.push("a");
    rb.push("b");
    expect(rb.toArray()).toEqual(["b"]);
    expect(rb.size).toBe(1);
  });

  it("starts over empty after clear, and keeps undefined entries it was given", () => {
    const rb = new RingBuffer<number | undefined>(3);
    rb.push(1);
    rb.push(2);
    rb.push(3);
    rb.push(4);
    rb.clear();
    expect(rb.size).toBe(0);
    expect(rb.toArray()).toEqual([]);
    rb.push(undefined);
    rb.push(9);
    expect(rb.toArray()).toEqual([undefined, 9]);
  });

  it("refuses a capacity that is not a positive integer, naming it", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RingBuffer(bad)).toThrow(new RangeError(`RingBuffer capacity must be a positive integer, got ${bad}`));
    }
    expect(new RingBuffer(1).capacity).toBe(1);
  });
});
