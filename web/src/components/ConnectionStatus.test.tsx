import { render, screen } from "@testing-library/react";
import { ConnectionStatus, ReconnectingBanner, StaleIndicator } from "./ConnectionStatus";

test.each(["connecting", "connected", "reconnecting", "disconnected"] as const)("pill reports %s", (state) => {
  render(<ConnectionStatus state={state} latencyMs={12} />);
  expect(screen.getByTestId("connection-status")).toHaveAttribute("data-state", state);
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
