import { render, screen } from "@testing-library/react";
import { ConnectionStatus, ReconnectingBanner, StaleIndicator } from "./ConnectionStatus";

test.each(["connecting", "connected", "reconnecting", "disconnected"] as const)("pill reports %s", (state) => {
  render(<ConnectionStatus state={state} quality={state === "connected" ? "good" : "down"} latencyMs={12} />);
  expect(screen.getByTestId("connection-status")).toHaveAttribute("data-state", state);
});

test("the pill shows the quality with the latency, and drops the latency once it is poor", () => {
  const { rerender } = render(<ConnectionStatus state="connected" quality="good" latencyMs={72.4} />);
  const pill = screen.getByTestId("connection-status");
  expect(pill).toHaveAttribute("data-quality", "good");
  expect(pill).toHaveTextContent(/^Live\s*good\s*72 ms$/);
  rerender(<ConnectionStatus state="connected" quality="poor" latencyMs={72.4} />);
  expect(pill).toHaveAttribute("data-quality", "poor");
  expect(pill).toHaveTextContent("poor");
  expect(pill).not.toHaveTextContent("72 ms");
  rerender(<ConnectionStatus state="reconnecting" quality="down" latencyMs={72.4} />);
  expect(pill).toHaveTextContent(/^Reconnecting\s*down$/);
});

test("stale indicator exists only while stale", () => {
  const { rerender } = render(<StaleIndicator stale={false} since={null} />);
  expect(screen.queryByTestId("stale-indicator")).toBeNull();
  rerender(<StaleIndicator stale since={Date.now()} />);
  expect(screen.getByTestId("stale-indicator")).toBeInTheDocument();
});

test("reconnecting banner shows only when not connected", () => {
  const { rerender } = render(<ReconnectingBanner state="connected" />);
  expect(screen.queryByTestId("reconnecting-indicator")).toBeNull();
  rerender(<ReconnectingBanner state="reconnecting" nextRetryAt={Date.now() + 2500} />);
  expect(screen.getByTestId("reconnecting-indicator")).toHaveTextContent("next try in 3 s");
});
