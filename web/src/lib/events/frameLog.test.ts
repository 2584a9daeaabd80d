import { describe, expect, it, vi } from "vitest";
import { FrameLog } from "./frameLog";

const shown = (log: FrameLog<number>): number[] => {
  const s = log.getSnapshot();
  return Array.from({ length: s.length }, (_, i) => s.at(i) as number);
};
const fill = (log: FrameLog<number>, from: number, to: number): void => {
  for (let n = from; n <= to; n += 1) log.push(n);
};

describe("FrameLog", () => {
  it("keeps the last `capacity` frames, oldest first", () => {
    const log = new FrameLog<number>(3);
    fill(log, 1, 5);
    expect(shown(log)).toEqual([3, 4, 5]);
    expect(log.getSnapshot()).toMatchObject({ start: 2, length: 3, received: 5, paused: false, pending: 0 });
  });

  it("stays bounded over many frames, and reads the right rows after trimming", () => {
    const log = new FrameLog<number>(10);
    fill(log, 1, 1_000);
    expect(shown(log)).toEqual([991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
    expect(log.getSnapshot().at(-1)).toBeUndefined();
    expect(log.getSnapshot().at(10)).toBeUndefined();
  });

  it("while paused shows what it showed and counts what arrives; resume shows it all", () => {
    const log = new FrameLog<number>(5);
    fill(log, 1, 3);
    log.pause();
    fill(log, 4, 6);
    expect(shown(log)).toEqual([1, 2, 3]);
    expect(log.getSnapshot()).toMatchObject({ paused: true, pending: 3, overflowed: 0, start: 0 });
    log.resume();
    expect(shown(log)).toEqual([2, 3, 4, 5, 6]);
    expect(log.getSnapshot()).toMatchObject({ paused: false, pending: 0 });
  });

  it("a pause longer than the bound keeps the screen intact and says how many will not be shown", () => {
    const log = new FrameLog<number>(4);
    fill(log, 1, 4);
    log.pause();
    fill(log, 5, 30);
    expect(shown(log)).toEqual([1, 2, 3, 4]);
    expect(log.getSnapshot()).toMatchObject({ pending: 26, overflowed: 22 });
    log.resume();
    expect(shown(log)).toEqual([27, 28, 29, 30]);
  });

  it("a snapshot is stable until a change, and old snapshots keep their rows", () => {
    const log = new FrameLog<number>(2);
    fill(log, 1, 2);
    const before = log.getSnapshot();
    expect(log.getSnapshot()).toBe(before);
    fill(log, 3, 20);
    expect(log.getSnapshot()).not.toBe(before);
    expect([before.at(0), before.at(1)]).toEqual([1, 2]);
  });

  it("tells its subscribers of every change, and pause/resume twice is a no-op", () => {
    const log = new FrameLog<number>(2);
    const listener = vi.fn();
    const off = log.subscribe(listener);
    log.push(1);
    log.pause();
    log.pause();
    log.resume();
    log.resume();
    expect(listener).toHaveBeenCalledTimes(3);
    off();
    log.push(2);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it("clear empties the list, paused or not", () => {
    const log = new FrameLog<number>(3);
    fill(log, 1, 3);
    log.pause();
    log.push(4);
    log.clear();
    expect(shown(log)).toEqual([]);
    expect(log.getSnapshot()).toMatchObject({ paused: true, pending: 0 });
    log.push(5);
    expect(log.getSnapshot().pending).toBe(1);
    log.resume();
    expect(shown(log)).toEqual([5]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new FrameLog(0)).toThrow(RangeError);
    expect(() => new FrameLog(1.5)).toThrow(RangeError);
  });
});
