import { afterEach, describe, expect, it, vi } from "vitest";
import { api, apiFetch, ApiError, SEQ_HEADER } from "./api";
import { setToken, socketUrl } from "./token";

function respond(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status, headers });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe("apiFetch", () => {
  it("returns the body with the seq from X-Tidewire-Seq", async () => {
    respond(200, JSON.stringify({ items: [], seq: 3 }), { [SEQ_HEADER]: "7" });
    await expect(apiFetch("/api/tasks")).resolves.toEqual({ data: { items: [], seq: 3 }, seq: 7 });
    await expect(api.listTasks()).resolves.toEqual({ items: [], seq: 7 });
  });

  it("falls back to the body's seq and ignores a malformed header", async () => {
    respond(200, JSON.stringify({ items: [], seq: 3 }), { [SEQ_HEADER]: "x" });
    await expect(api.listTasks({ status: "open" })).resolves.toEqual({ items: [], seq: 3 });
  });

  it("turns the daemon's error body into ApiError{code, message, status}", async () => {
    respond(409, JSON.stringify({ error: { code: "conflict", message: "task is closed" } }));
    const err = await api.updateTask("t1", { status: "open" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "conflict", message: "task is closed", status: 409 });
  });

  it("maps framework validation errors and bare statuses to codes", async () => {
    respond(422, JSON.stringify({ detail: [{ msg: "field required" }] }));
    await expect(api.createTask({ title: "" })).rejects.toMatchObject({ code: "invalid_argument", message: "field required" });
    respond(500, "oops");
    await expect(api.health()).rejects.toMatchObject({ code: "internal", status: 500 });
  });

  it("a network failure is an ApiError with status 0", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    const err = (await api.listAgents().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("network_error");
    expect(err.isNetworkError).toBe(true);
  });

  it("a 200 that is not JSON is refused", async () => {
    respond(200, "<html>");
    await expect(api.listWorktrees()).rejects.toMatchObject({ code: "invalid_response" });
  });

  it("sends JSON bodies, query strings and the token", async () => {
    setToken("s3cret");
    const calls = respond(201, JSON.stringify({ id: "t" }));
    await api.createTask({ title: "x", priority: 1 });
    await api.listTasks({ project_id: "p 1", status: undefined });
    expect(calls[0]?.init.method).toBe("POST");
    expect(calls[0]?.init.body).toBe(JSON.stringify({ title: "x", priority: 1 }));
    expect((calls[0]?.init.headers as Record<string, string>).Authorization).toBe("Bearer s3cret");
    expect(calls[1]?.url).toBe("/api/tasks?project_id=p+1");
    expect(socketUrl({ protocol: "https:", host: "h:1" })).toBe("wss://h:1/ws?token=s3cret");
    setToken(null);
    expect(socketUrl({ protocol: "http:", host: "h:1" })).toBe("ws://h:1/ws");
  });
});
