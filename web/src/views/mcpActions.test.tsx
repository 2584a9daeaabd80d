import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { mcpServer } from "../lib/testingActions";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

afterEach(() => {
  toast.dismiss();
});

const row = (name: string) =>
  screen.queryAllByTestId("mcp-row").find((el) => el.dataset.server === name) as HTMLElement | undefined;
const dialog = () => screen.getByRole("alertdialog");

describe("MCP server actions", () => {
  test("a failed server says it is retrying and when; its tools expand with their descriptions", async () => {
    const soon = new Date(Date.now() + 125_000).toISOString();
    env.api.actions.mcpServers.set(
      "fs",
      mcpServer("fs", {
        state: "failed",
        attempts: 8,
        next_attempt_at: soon,
        last_error: "refusing to start",
        tool_count: 2,
        tools: ["read_file", "write_file"],
        tool_details: [
          { name: "read_file", description: "Read a file." },
          { name: "write_file", description: null },
        ],
      }),
    );
    renderAppAt(env, "/mcp");
    await waitFor(() => expect(row("fs")).toBeDefined());
    const r = row("fs") as HTMLElement;
    expect(within(r).getByTestId("mcp-retry")).toHaveTextContent("8 failed attempts; retrying in 2 minutes");
    const toggle = within(r).getByRole("button", { name: /2 tools/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const tools = screen.getByRole("list", { name: "Tools of fs" });
    expect(within(tools).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "read_file — Read a file.",
      "write_file",
    ]);
    fireEvent.click(toggle);
    expect(screen.queryByRole("list", { name: "Tools of fs" })).toBeNull();
  });

  test("reconnect shows connecting at once and asks the daemon", async () => {
    env.api.actions.mcpServers.set("fs", mcpServer("fs", { state: "failed", attempts: 3 }));
    renderAppAt(env, "/mcp");
    await waitFor(() => expect(row("fs")).toBeDefined());
    env.api.hold = true;
    fireEvent.click(within(row("fs") as HTMLElement).getByRole("button", { name: "Reconnect fs" }));
    await waitFor(() => expect(row("fs")).toHaveAttribute("data-state", "connecting"));
    expect(within(row("fs") as HTMLElement).getByRole("button", { name: "Reconnect fs" })).toBeDisabled();
    act(() => env.api.release());
    await waitFor(() =>
      expect(env.api.calls.some((c) => c.method === "POST" && c.path === "/api/mcp-servers/fs/reconnect")).toBe(true),
    );
    expect(env.api.calls.find((c) => c.path === "/api/mcp-servers/fs/reconnect")).toBeDefined();
  });

  test("a refused reconnect puts the state back and says why", async () => {
    env.api.actions.mcpServers.set("fs", mcpServer("fs", { state: "failed" }));
    env.api.failNext.set("POST /api/mcp-servers/fs/reconnect", {
      status: 409,
      code: "conflict",
      message: "the daemon is shutting down",
    });
    renderAppAt(env, "/mcp");
    await waitFor(() => expect(row("fs")).toBeDefined());
    fireEvent.click(within(row("fs") as HTMLElement).getByRole("button", { name: "Reconnect fs" }));
    expect(await screen.findByText(/Could not reconnect fs: the daemon is shutting down/)).toBeInTheDocument();
    await waitFor(() => expect(row("fs")).toHaveAttribute("data-state", "failed"));
  });

  test("remove asks first; cancelling keeps the server, confirming removes it", async () => {
    env.api.actions.mcpServers.set("fs", mcpServer("fs"));
    renderAppAt(env, "/mcp");
    await waitFor(() => expect(row("fs")).toBeDefined());
    fireEvent.click(within(row("fs") as HTMLElement).getByRole("button", { name: "Remove fs" }));
    expect(dialog()).toHaveAccessibleName("Remove fs?");
    // Focus starts on Cancel, so a stray Enter does not remove anything.
    expect(within(dialog()).getByRole("button", { name: "Cancel" })).toHaveFocus();
    fireEvent.keyDown(dialog(), { key: "Escape" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(env.api.calls.some((c) => c.method === "DELETE")).toBe(false);

    fireEvent.click(within(row("fs") as HTMLElement).getByRole("button", { name: "Remove fs" }));
    env.api.hold = true;
    fireEvent.click(within(dialog()).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(row("fs")).toBeUndefined());
    act(() => env.api.release());
    await waitFor(() => expect(env.api.actions.mcpServers.has("fs")).toBe(false));
    expect(await screen.findByText(/No downstream MCP server/)).toBeInTheDocument();
  });

  test("a refused removal brings the row back with a toast; a config server cannot be removed here", async () => {
    env.api.actions.mcpServers.set("fs", mcpServer("fs"));
    env.api.actions.mcpServers.set("cfg", mcpServer("cfg", { origin: "config" }));
    env.api.failNext.set("DELETE /api/mcp-servers/fs", { status: 500, code: "internal", message: "disk full" });
    renderAppAt(env, "/mcp");
    await waitFor(() => expect(row("cfg")).toBeDefined());
    expect(within(row("cfg") as HTMLElement).getByRole("button", { name: "Remove cfg" })).toBeDisabled();
    fireEvent.click(within(row("fs") as HTMLElement).getByRole("button", { name: "Remove fs" }));
    fireEvent.click(within(dialog()).getByRole("button", { name: "Remove" }));
    expect(await screen.findByText(/Could not remove fs: disk full/)).toBeInTheDocument();
    await waitFor(() => expect(row("fs")).toBeDefined());
    expect(screen.getAllByTestId("mcp-row").map((r) => r.dataset.server)).toEqual(["fs", "cfg"]);
  });
});
