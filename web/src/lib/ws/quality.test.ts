import { connectionQuality, QUALITY_FAIR_MS, QUALITY_GOOD_MS } from "./quality";

const connected = { state: "connected" as const, pongOverdue: false };

test("any state but connected is down, whatever the old samples say", () => {
  for (const state of ["connecting", "reconnecting", "disconnected"] as const) {
    expect(connectionQuality({ state, latencies: [5], pongOverdue: false })).toBe("down");
  }
});

test("connected without a sample yet is unknown", () => {
  expect(connectionQuality({ ...connected, latencies: [] })).toBe("unknown");
});

test("the mean of the recent round trips picks good, fair or poor", () => {
  expect(connectionQuality({ ...connected, latencies: [QUALITY_GOOD_MS] })).toBe("good");
  expect(connectionQuality({ ...connected, latencies: [QUALITY_GOOD_MS + 1] })).toBe("fair");
  expect(connectionQuality({ ...connected, latencies: [QUALITY_FAIR_MS] })).toBe("fair");
  expect(connectionQuality({ ...connected, latencies: [QUALITY_FAIR_MS + 1] })).toBe("poor");
  expect(connectionQuality({ ...connected, latencies: [10, 10, 1000] })).toBe("fair");
});

test("only the last five samples count", () => {
  expect(connectionQuality({ ...connected, latencies: [5000, 5000, 10, 10, 10, 10, 10] })).toBe("good");
});

test("an overdue pong is poor at once, even after fast round trips", () => {
  expect(connectionQuality({ ...connected, latencies: [3, 4, 5], pongOverdue: true })).toBe("poor");
  expect(connectionQuality({ ...connected, latencies: [], pongOverdue: true })).toBe("poor");
});
