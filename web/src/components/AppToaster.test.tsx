import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { toast } from "sonner";
import { AppToaster } from "../App";
import { sonnerSink } from "./EventToasts";

afterEach(() => {
  act(() => {
    toast.dismiss();
  });
});

test("toasts can be closed by hand", async () => {
  render(<AppToaster />);
  const onGone = vi.fn();
  act(() => sonnerSink.show("tw-test", "success", "Task created", { description: "Write docs", onGone }));
  expect(await screen.findByText("Task created")).toBeInTheDocument();
  fireEvent.click(screen.getByRole("button", { name: /close/i }));
  await waitFor(() => expect(screen.queryByText("Task created")).toBeNull());
  expect(onGone).toHaveBeenCalled();
});

test("toasts expire on their own", async () => {
  render(<AppToaster />);
  const onGone = vi.fn();
  act(() => sonnerSink.show("tw-short", "info", "Short-lived", { duration: 50, onGone }));
  expect(await screen.findByText("Short-lived")).toBeInTheDocument();
  await waitFor(() => expect(screen.queryByText("Short-lived")).toBeNull(), { timeout: 5000 });
  expect(onGone).toHaveBeenCalled();
});
