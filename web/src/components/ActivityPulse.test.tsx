import { StrictMode } from "react";
import { act, render, screen } from "@testing-library/react";
import { ActivityPulse } from "./ActivityPulse";

afterEach(() => vi.useRealTimers());

test("shows agents and tool calls, and beats once per new event", () => {
  vi.useFakeTimers();
  const { rerender } = render(<ActivityPulse activeAgents={2} toolCalls={5} eventTick={0} />);
  const pulse = screen.getByTestId("activity-pulse");
  expect(pulse).toHaveAttribute("data-count", "5");
  expect(pulse).toHaveAttribute("data-active", "true");
  expect(pulse).toHaveAttribute("data-beating", "false");
  expect(pulse).toHaveTextContent("2 agents active");

  rerender(<ActivityPulse activeAgents={2} toolCalls={6} eventTick={1} />);
  expect(pulse).toHaveAttribute("data-count", "6");
  expect(pulse).toHaveAttribute("data-beating", "true");
  act(() => {
    vi.runAllTimers();
  });
  expect(pulse).toHaveAttribute("data-beating", "false");
});

test("mounting is not an event, even when StrictMode runs effects twice", () => {
  render(
    <StrictMode>
      <ActivityPulse activeAgents={1} toolCalls={0} eventTick={7} />
    </StrictMode>,
  );
  expect(screen.getByTestId("activity-pulse")).toHaveAttribute("data-beating", "false");
});

test("no agents means inactive", () => {
  render(<ActivityPulse activeAgents={0} toolCalls={0} eventTick={0} />);
  expect(screen.getByTestId("activity-pulse")).toHaveAttribute("data-active", "false");
  expect(screen.getByTestId("activity-pulse")).toHaveTextContent("0 agents active");
});

test("with reduced motion the counters still update", () => {
  const original = window.matchMedia;
  window.matchMedia = ((q: string) => ({ ...original(q), matches: q.includes("reduce") })) as typeof window.matchMedia;
  try {
    const { rerender } = render(<ActivityPulse activeAgents={1} toolCalls={1} eventTick={0} />);
    rerender(<ActivityPulse activeAgents={1} toolCalls={9} eventTick={3} />);
    expect(screen.getByTestId("tool-call-count")).toHaveTextContent("9");
    expect(screen.getByTestId("activity-pulse")).toHaveTextContent("1 agent active");
  } finally {
    window.matchMedia = original;
  }
});
