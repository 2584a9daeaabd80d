import { fireEvent, render, screen } from "@testing-library/react";
import { CopyButton } from "./CopyButton";

const ID = "9f1c2d3e-0000-4000-8000-00000000000a";

function withClipboard(writeText: (text: string) => Promise<void>): void {
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, "clipboard");
});

test("copies the whole id and says so", async () => {
  const writeText = vi.fn(() => Promise.resolve());
  withClipboard(writeText);
  render(<CopyButton text={ID} what="session id" />);
  fireEvent.click(screen.getByRole("button", { name: `Copy session id ${ID}` }));
  expect(await screen.findByRole("button", { name: `Copy session id ${ID}` })).toHaveTextContent("Copied");
  expect(writeText).toHaveBeenCalledWith(ID);
});

test("without a clipboard it shows the id to copy by hand", async () => {
  withClipboard(() => Promise.reject(new Error("denied")));
  render(<CopyButton text={ID} what="session id" />);
  fireEvent.click(screen.getByRole("button", { name: /Copy session id/ }));
  expect(await screen.findByText(ID)).toHaveClass("copy-fallback");
  expect(screen.getByRole("status")).toHaveTextContent("No clipboard here");
});
