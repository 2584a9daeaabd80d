import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { worktree } from "../lib/testingActions";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
  window.localStorage.clear();
});

afterEach(() => {
  toast.dismiss();
});

const rows = () => screen.queryAllByTestId("worktree-row");
const row = (id: string) => rows().find((el) => el.dataset.worktreeId === id) as HTMLElement | undefined;
const button = (id: string, name: string) => within(row(id) as HTMLElement).getByRole("button", { name });
const dialog = () => screen.getByRole("alertdialog");

describe("worktree actions", () => {
  test("deleted worktrees are hidden until asked for, and a deletion reads as deleted", async () => {
    env.api.actions.worktrees.set("wt_live", worktree("wt_live"));
    env.api.actions.worktrees.set(
      "wt_gone",
      worktree("wt_gone", { status: "deleted", merged_into: "main", merge_commit: "abc" }),
    );
    env.api.actions.worktrees.set("wt_merged", worktree("wt_merged", { status: "merged", merged_into: "main" }));
    renderAppAt(env, "/worktrees");
    await waitFor(() => expect(row("wt_live")).toBeDefined());
    expect(rows().map((r) => r.dataset.worktreeId).sort()).toEqual(["wt_live", "wt_merged"]);
    expect(row("wt_merged")).toHaveTextContent("merged into main");

    fireEvent.click(screen.getByRole("checkbox", { name: "Show deleted" }));
    await waitFor(() => expect(row("wt_gone")).toBeDefined());
    expect(row("wt_gone")).toHaveTextContent("deleted");
    expect(row("wt_gone")).not.toHaveTextContent("into main");
    expect(within(row("wt_gone") as HTMLElement).queryAllByRole("button")).toHaveLength(0);
  });

  test("claim shows the claim at once, as the name in the field; release gives it back", async () => {
    env.api.actions.worktrees.set("wt_a", worktree("wt_a"));
    renderAppAt(env, "/worktrees");
    await waitFor(() => expect(row("wt_a")).toBeDefined());
    fireEvent.change(screen.getByLabelText("Claim as"), { target: { value: "dana" } });
    env.api.hold = true;
    fireEvent.click(button("wt_a", "Claim tw/wt_a"));
    await waitFor(() => expect(row("wt_a")).toHaveAttribute("data-status", "claimed"));
    expect(row("wt_a")).toHaveTextContent("dana");
    expect(env.api.actions.worktrees.get("wt_a")?.status).toBe("active");
    act(() => env.api.release());
    await waitFor(() => expect(env.api.actions.worktrees.get("wt_a")?.owner).toBe("dana"));
    expect(window.localStorage.getItem("tidewire.worktreeOwner")).toBe("dana");

    fireEvent.click(button("wt_a", "Release tw/wt_a"));
    await waitFor(() => expect(row("wt_a")).toHaveAttribute("data-status", "active"));
    await waitFor(() => expect(env.api.actions.worktrees.get("wt_a")?.status).toBe("active"));
  });

  test("a refused claim is taken back with the daemon's reason", async () => {
    env.api.actions.worktrees.set("wt_a", worktree("wt_a"));
    env.api.failNext.set("POST /api/worktrees/wt_a/claim", {
      status: 409,
      code: "conflict",
      message: "worktree wt_a is already claimed by eve",
    });
    renderAppAt(env, "/worktrees");
    await waitFor(() => expect(row("wt_a")).toBeDefined());
    fireEvent.click(button("wt_a", "Claim tw/wt_a"));
    expect(await screen.findByText(/Could not claim tw\/wt_a: worktree wt_a is already claimed by eve/)).toBeInTheDocument();
    await waitFor(() => expect(row("wt_a")).toHaveAttribute("data-status", "active"));
  });

  test("merge asks first; a conflict says so and leaves the worktree as it was", async () => {
    env.api.actions.worktrees.set("wt_a", worktree("wt_a"));
    env.api.failNext.set("POST /api/worktrees/wt_a/merge", {
      status: 409,
      code: "merge_conflict",
      message: "merge conflict in README.md",
    });
    renderAppAt(env, "/worktrees");
    await waitFor(() => expect(row("wt_a")).toBeDefined());
    fireEvent.click(button("wt_a", "Merge tw/wt_a"));
    expect(dialog()).toHaveAccessibleName("Merge tw/wt_a into main?");
    fireEvent.click(within(dialog()).getByRole("button", { name: "Cancel" }));
    expect(env.api.calls.some((c) => c.path.endsWith("/merge"))).toBe(false);

    fireEvent.click(button("wt_a", "Merge tw/wt_a"));
    fireEvent.click(within(dialog()).getByRole("button", { name: "Merge" }));
    expect(
      await screen.findByText(/Merge conflict: tw\/wt_a was not merged and the repository is unchanged\. merge conflict in README\.md/),
    ).toBeInTheDocument();
    expect(row("wt_a")).toHaveAttribute("data-status", "active");
    await waitFor(() => expect(button("wt_a", "Merge tw/wt_a")).not.toBeDisabled());

    // Once the conflict is resolved, the same button merges.
    fireEvent.click(button("wt_a", "Merge tw/wt_a"));
    fireEvent.click(within(dialog()).getByRole("button", { name: "Merge" }));
    await waitFor(() => expect(row("wt_a")).toHaveAttribute("data-status", "merged"));
    expect(row("wt_a")).toHaveTextContent("merged into main");
  });

  test("delete asks first, hides the worktree at once, and brings it back if refused", async () => {
    env.api.actions.worktrees.set("wt_a", worktree("wt_a", { status: "claimed", owner: "eve" }));
    env.api.failNext.set("DELETE /api/worktrees/wt_a", {
      status: 409,
      code: "conflict",
      message: "worktree wt_a is claimed by eve; release it first or use force",
    });
    renderAppAt(env, "/worktrees");
    await waitFor(() => expect(row("wt_a")).toBeDefined());
    fireEvent.click(button("wt_a", "Delete tw/wt_a"));
    expect(dialog()).toHaveAccessibleName("Delete tw/wt_a?");
    expect(dialog()).toHaveTextContent("It is claimed by eve.");
    fireEvent.click(within(dialog()).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText(/Could not delete tw\/wt_a: .*release it first or use force/)).toBeInTheDocument();
    await waitFor(() => expect(row("wt_a")).toHaveAttribute("data-status", "claimed"));

    fireEvent.click(button("wt_a", "Delete tw/wt_a"));
    fireEvent.click(within(dialog()).getByRole("checkbox", { name: /Force/ }));
    env.api.hold = true;
    fireEvent.click(within(dialog()).getByRole("button", { name: "Delete anyway" }));
    await waitFor(() => expect(row("wt_a")).toBeUndefined());
    act(() => env.api.release());
    await waitFor(() => expect(env.api.actions.worktrees.get("wt_a")?.status).toBe("deleted"));
    expect(env.api.calls.find((c) => c.method === "DELETE" && c.path === "/api/worktrees/wt_a?force=true")).toBeDefined();
    expect(await screen.findByText(/1 deleted/)).toBeInTheDocument();
  });
});
