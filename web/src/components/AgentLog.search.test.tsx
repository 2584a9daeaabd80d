import { fireEvent, render, screen } from "@testing-library/react";
import { AgentLog } from "./AgentLog";
import { splitMatches } from "../lib/agentOutput/search";

test("splitMatches marks every case-insensitive match", () => {
  expect(splitMatches("Error, error, ERR", "err")).toEqual([
    { text: "Err", match: true },
    { text: "or, ", match: false },
    { text: "err", match: true },
    { text: "or, ", match: false },
    { text: "ERR", match: true },
  ]);
  expect(splitMatches("abc", "")).toEqual([{ text: "abc", match: false }]);
});

test("the search box highlights matches in the output and counts them", () => {
  const text = "\x1b[31mFAIL\x1b[0m test_a\nok test_b\nfail test_c\n";
  render(<AgentLog buffer={{ text, next: text.length, dropped: 0 }} loaded />);
  expect(screen.queryAllByTestId("log-match")).toHaveLength(0);
  fireEvent.change(screen.getByRole("searchbox", { name: "Search output" }), { target: { value: "fail" } });
  const marks = screen.getAllByTestId("log-match");
  expect(marks.map((m) => m.textContent)).toEqual(["FAIL", "fail"]);
  expect(screen.getByTestId("log-match-count")).toHaveTextContent("2 matches");
  fireEvent.change(screen.getByRole("searchbox", { name: "Search output" }), { target: { value: "nothing" } });
  expect(screen.getByTestId("log-match-count")).toHaveTextContent("0 matches");
});
