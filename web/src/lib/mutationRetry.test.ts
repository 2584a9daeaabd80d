import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { MAX_RETRIES, retryOnNetworkError } from "./mutations";

// Which failures a queued change retries with its key, and for how long.
describe("retryOnNetworkError", () => {
  const unreachable = new ApiError("network_error", "fetch failed", 0);

  it("retries a daemon that could not be reached, up to MAX_RETRIES tries", () => {
    expect(MAX_RETRIES).toBe(12);
    expect(retryOnNetworkError(0, unreachable)).toBe(true);
    expect(retryOnNetworkError(MAX_RETRIES - 1, unreachable)).toBe(true);
    expect(retryOnNetworkError(MAX_RETRIES, unreachable)).toBe(false);
    expect(retryOnNetworkError(MAX_RETRIES + 1, unreachable)).toBe(false);
  });

  it("retries a daemon that is unavailable (503), whatever the code", () => {
    expect(retryOnNetworkError(1, new ApiError("out_of_descriptors", "busy", 503))).toBe(true);
    expect(retryOnNetworkError(MAX_RETRIES, new ApiError("out_of_descriptors", "busy", 503))).toBe(false);
  });

  it("retries while the first try with the same key is still running on the daemon", () => {
    expect(retryOnNetworkError(1, new ApiError("idempotency_key_in_flight", "running", 409))).toBe(true);
    expect(retryOnNetworkError(MAX_RETRIES, new ApiError("idempotency_key_in_flight", "running", 409))).toBe(false);
  });

  it("fails a refusal at once", () => {
    for (const [code, status] of [
      ["conflict", 409],
      ["invalid_argument", 422],
      ["not_found", 404],
      ["storage_full", 507],
      ["internal_error", 500],
      ["idempotency_key_reused", 422],
    ] as const) {
      expect(retryOnNetworkError(0, new ApiError(code, "no", status)), code).toBe(false);
    }
  });

  it("fails anything that is not an ApiError at once", () => {
    expect(retryOnNetworkError(0, new Error("bug"))).toBe(false);
    expect(retryOnNetworkError(0, { status: 0, isNetworkError: true })).toBe(false);
    expect(retryOnNetworkError(0, undefined)).toBe(false);
  });
});
