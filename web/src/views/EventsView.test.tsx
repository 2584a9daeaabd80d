import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

const rows = () => screen.queryAllByTestId("event-row");
const status = () => screen.getByTestId("events-status");
const live = () => waitFor(() => expect(status()).toHaveAttribute("data-live", "true"));

describe("events view", () => {
  test("follows its own patterns on the shared socket and shows only what they match", async () => {
    renderAppAt(env, "/events?p=task.*&p=session.message");
    expect(screen.getByTestId("pattern-input")).toHaveValue("task.* session.message");
    await live();
    expect(env.socket.activeSubscriptions).toEqual(expect.arrayContaining(["task.*", "session.message"]));
    // One socket for the whole page, the dashboard's own subscriptions beside this page's.
    expect(env.sockets).toHaveLength(1);
    expect(screen.getByTestId("events-empty")).toHaveTextContent("No events yet matching task.* session.message.");

    act(() => {
      env.daemon.emit("task.created", { id: "t_a" });
      // Delivered for the app's activity feed (`*`), but this page did not ask for it.
      env.daemon.emit("worktree.created");
      env.daemon.emit("session.message", { id: "s9", index: 2 });
    });
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows().map((r) => r.dataset.type)).toEqual(["task.created", "session.message"]);
    const first = rows()[0] as HTMLElement;
    expect(first).toHaveTextContent("1");
    expect(first).toHaveTextContent("t_a [open]");
  });

  test("pause counts what arrives without moving the list; resume shows it", async () => {
    renderAppAt(env, "/events?p=task.*");
    await live();
    act(() => void env.daemon.emit("task.created"));
    await waitFor(() => expect(rows()).toHaveLength(1));

    fireEvent.click(screen.getByRole("button", { name: "Pause" }));
    expect(screen.getByTestId("pending-count")).toHaveTextContent("Paused");
    act(() => {
      for (let i = 0; i < 3; i += 1) env.daemon.emit("task.updated");
    });
    await waitFor(() => expect(screen.getByTestId("pending-count")).toHaveTextContent("3 new"));
    expect(rows()).toHaveLength(1);

    fireEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(rows()).toHaveLength(4);
    expect(screen.queryByTestId("pending-count")).toBeNull();
  });

  test("a click opens the frame's JSON; Escape closes it", async () => {
    renderAppAt(env, "/events");
    await live();
    act(() => void env.daemon.emit("task.closed", { id: "t_x" }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.click(screen.getByRole("button", { name: /Inspect event \d+, task\.closed/u }));
    const inspector = screen.getByTestId("frame-inspector");
    const json = JSON.parse(within(inspector).getByTestId("frame-json").textContent ?? "") as { type: string; data: { task_id: string } };
    expect(json.type).toBe("task.closed");
    expect(json.data.task_id).toBe("t_x");
    expect(within(inspector).getByRole("heading")).toHaveFocus();
    expect(rows()[0]).toHaveAttribute("data-selected", "true");
    fireEvent.keyDown(within(inspector).getByRole("heading"), { key: "Escape" });
    expect(screen.queryByTestId("frame-inspector")).toBeNull();
    expect(within(rows()[0] as HTMLElement).getByRole("button")).toHaveFocus();
  });

  test("Up, Down, Home and End move between rows, and the focused one opens", async () => {
    renderAppAt(env, "/events?p=task.*");
    await live();
    act(() => {
      for (let i = 0; i < 3; i += 1) env.daemon.emit("task.created");
    });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const button = (i: number) => within(rows()[i] as HTMLElement).getByRole("button");
    button(0).focus();
    fireEvent.keyDown(button(0), { key: "ArrowDown" });
    await waitFor(() => expect(button(1)).toHaveFocus());
    fireEvent.keyDown(button(1), { key: "End" });
    await waitFor(() => expect(button(2)).toHaveFocus());
    fireEvent.keyDown(button(2), { key: "ArrowUp" });
    await waitFor(() => expect(button(1)).toHaveFocus());
    fireEvent.click(button(1));
    expect(screen.getByTestId("frame-inspector")).toHaveAttribute("data-seq", rows()[1]?.dataset.seq);
  });

  test("a bad pattern is refused inline and the stream stays on the last good set", async () => {
    renderAppAt(env, "/events?p=task.*");
    await live();
    const input = screen.getByTestId("pattern-input");
    fireEvent.change(input, { target: { value: "task.* task" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByRole("alert")).toHaveTextContent('"task" is not an event name');
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveValue("task.* task");
    expect(env.socket.activeSubscriptions).toContain("task.*");
    expect(env.socket.activeSubscriptions).not.toContain("task");

    fireEvent.change(input, { target: { value: "session.*" } });
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(env.socket.activeSubscriptions).not.toContain("task.*"));
    expect(screen.getByTestId("pattern-hints")).toHaveTextContent("session.message is a high-volume event");
  });

  test("after a daemon restart with a new log it says events were skipped, keeps its rows and follows again", async () => {
    renderAppAt(env, "/events?p=task.*");
    await live();
    act(() => void env.daemon.emit("task.created", { id: "t_before" }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    act(() => env.stopDaemon());
    await waitFor(() => expect(status()).toHaveAttribute("data-live", "false"));
    expect(screen.queryByTestId("events-skipped")).toBeNull();
    env.daemon.resetEpoch("ep_2");
    act(() => env.startDaemon());
    await live();
    expect(screen.getByTestId("events-skipped")).toHaveTextContent("(epoch changed)");
    act(() => void env.daemon.emit("task.created", { id: "t_after" }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[1]).toHaveTextContent("t_after");
  });

  test("a link with a bad pattern says so and subscribes to nothing", async () => {
    renderAppAt(env, "/events?p=nope");
    expect(screen.getByRole("alert")).toHaveTextContent('"nope" is not an event name');
    expect(status()).toHaveTextContent("Not subscribed");
    expect(env.socket.activeSubscriptions).not.toContain("nope");
  });
});
