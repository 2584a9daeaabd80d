import { render, screen } from "@testing-library/react";
import type { SessionMessage } from "../lib/ws/generated";
import { TranscriptMessage } from "./TranscriptMessage";

function message(content: SessionMessage["content"], overrides: Partial<SessionMessage> = {}): SessionMessage {
  return { session_id: "s1", index: 3, role: "assistant", content, tool_name: null, ts: "2026-11-26T06:00:00Z", ...overrides };
}

test("text is Markdown, and HTML written in it stays text", () => {
  const { container } = render(
    <TranscriptMessage message={message([{ type: "text", text: "Use **cursor** paging.\n\n<img src=x onerror=alert(1)>" }])} />,
  );
  expect(screen.getByText("cursor").tagName).toBe("STRONG");
  expect(container.querySelector("img")).toBeNull();
});

test("a tool call and its result are folds, open when short and folded when long", () => {
  const long = "x".repeat(1_000);
  const { container } = render(
    <TranscriptMessage
      message={message([
        { type: "tool_use", tool_name: "Bash", text: '{"command": "make test"}' },
        { type: "tool_result", tool_name: "Read", text: long },
      ])}
    />,
  );
  const [call, result] = [...container.querySelectorAll("details")];
  expect(call).toHaveAttribute("open");
  expect(call).toHaveTextContent('Tool call Bash{"command": "make test"}');
  expect(result).not.toHaveAttribute("open");
  expect(result?.querySelector("summary")).toHaveTextContent("Tool result Read");
  expect(container.querySelector("article")).not.toHaveAttribute("data-error");
});

test("a failed tool result is marked as an error and shown open, however long", () => {
  const { container } = render(
    <TranscriptMessage
      message={message([{ type: "tool_result", tool_name: "Bash", text: `exit 2\n${"e".repeat(1_000)}`, is_error: true }], { role: "user" })}
    />,
  );
  const fold = container.querySelector("details");
  expect(fold).toHaveAttribute("open");
  expect(fold).toHaveAttribute("data-error", "true");
  expect(fold?.querySelector("summary")).toHaveTextContent("Tool error Bash");
  expect(container.querySelector("article")).toHaveAttribute("data-error", "true");
  expect(container.querySelector(".meta")).toHaveTextContent("#3 · user · error");
});

test("thinking is folded, and a block type not known yet shows with its text", () => {
  const { container } = render(
    <TranscriptMessage
      message={message([
        { type: "thinking", text: "Consider the cursor" },
        { type: "image", text: null },
      ])}
    />,
  );
  expect(container.querySelector('details[data-kind="thinking"]')).not.toHaveAttribute("open");
  expect(screen.getByText("[image]")).toBeInTheDocument();
});
