import { render } from "@testing-library/react";
import { AgentLog, lastLines } from "../../components/AgentLog";
import { ansiSpans, plainText } from "./ansi";

test("SGR colours and styles become span styles; escape codes leave the text", () => {
  const spans = ansiSpans("\x1b[32mok\x1b[0m plain \x1b[1;31mbad\x1b[0m");
  expect(spans.map((s) => s.text)).toEqual(["ok", " plain ", "bad"]);
  expect(spans[0]?.style.color).toMatch(/^rgb\(/u);
  expect(spans[1]?.style.color).toBeUndefined();
  expect(spans[2]?.style.fontWeight).toBe(700);
  expect(plainText("\x1b[31mred\x1b[0m")).toBe("red");
});

test("a colour set on one line carries on to the next, as in a terminal", () => {
  const { lines } = lastLines("\x1b[33mfirst\nsecond\x1b[0m\nthird\n");
  expect(lines.map((l) => l.spans.map((s) => s.text).join(""))).toEqual(["first", "second", "third"]);
  expect(lines[1]?.spans[0]?.style.color).toBe(lines[0]?.spans[0]?.style.color);
  expect(lines[2]?.spans[0]?.style.color).toBeUndefined();
});

test("the viewer renders colours as styles and never output as markup", () => {
  const text = "\x1b[32mgreen\x1b[0m <b>not bold</b>\n";
  const { getByTestId } = render(<AgentLog buffer={{ text, next: text.length, dropped: 0 }} loaded />);
  const log = getByTestId("agent-log");
  expect(log.textContent).toBe("green <b>not bold</b>");
  expect(log.querySelector("b")).toBeNull();
  const green = [...log.querySelectorAll("span")].find((s) => s.textContent === "green");
  expect(green?.style.color).toMatch(/^rgb\(/u);
});

test("a huge log renders only its last lines and says how many it left out", () => {
  const text = Array.from({ length: 2500 }, (_, i) => `line ${i}`).join("\n") + "\n";
  const { getByTestId } = render(<AgentLog buffer={{ text, next: text.length, dropped: 0 }} loaded />);
  expect(getByTestId("agent-log").querySelectorAll(".log-line")).toHaveLength(2000);
  expect(getByTestId("log-hidden")).toHaveTextContent("500 earlier lines not shown");
  expect(getByTestId("agent-log").lastElementChild).toHaveTextContent("line 2499");
});
