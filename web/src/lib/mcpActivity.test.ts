import { expect, test } from "vitest";
import { describeEvent } from "./activitySentence";

const disconnected = (data: Record<string, unknown>): string =>
  describeEvent({ seq: 1, type: "mcp.server_disconnected", data: { server_name: "fs", ...data } }).sentence;

test("an MCP server's disconnects say whether it dropped, failed, was asked to reconnect or was removed", () => {
  expect(disconnected({ reason: "process exited", will_retry: true, attempts: 0, failed: false })).toBe(
    "MCP server fs disconnected: process exited",
  );
  expect(disconnected({ reason: "refusing to start", will_retry: true, attempts: 8, failed: true })).toBe(
    "MCP server fs failed (8 failed attempts): refusing to start",
  );
  expect(disconnected({ reason: "reconnect requested", will_retry: true })).toBe("MCP server fs reconnecting");
  expect(disconnected({ reason: "removed", will_retry: false })).toBe("MCP server fs removed");
  // An older daemon's event, without the retry fields.
  expect(disconnected({ reason: "process exited" })).toBe("MCP server fs disconnected: process exited");
});
