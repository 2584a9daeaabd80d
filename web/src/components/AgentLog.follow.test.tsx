import { fireEvent, render, screen } from "@testing-library/react";
import { AgentLog } from "./AgentLog";

function sized(el: HTMLElement, scrollHeight: number, clientHeight: number): void {
  Object.defineProperty(el, "scrollHeight", { configurable: true, get: () => scrollHeight });
  Object.defineProperty(el, "clientHeight", { configurable: true, get: () => clientHeight });
}

const buf = (text: string) => ({ text, next: text.length, dropped: 0 });

test("follow keeps the log at its end as output arrives; scrolling up turns it off; ticking it goes back", () => {
  const { rerender } = render(<AgentLog buffer={buf("one\n")} loaded />);
  const log = screen.getByTestId("agent-log");
  const follow = screen.getByRole("checkbox", { name: "Follow output" });
  expect(follow).toBeChecked();

  sized(log, 1000, 200);
  rerender(<AgentLog buffer={buf("one\ntwo\n")} loaded />);
  expect(log.scrollTop).toBe(1000);

  // The reader scrolls up to look at something: the view stays where they put it.
  log.scrollTop = 300;
  fireEvent.scroll(log);
  expect(follow).not.toBeChecked();
  sized(log, 2000, 200);
  rerender(<AgentLog buffer={buf("one\ntwo\nthree\n")} loaded />);
  expect(log.scrollTop).toBe(300);

  fireEvent.click(follow);
  expect(follow).toBeChecked();
  expect(log.scrollTop).toBe(2000);
});
