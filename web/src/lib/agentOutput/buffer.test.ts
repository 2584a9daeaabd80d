import { applyPiece, EMPTY } from "./buffer";

const piece = (offset: number, text: string) => ({ offset, size: new TextEncoder().encode(text).length, text });

test("pieces join by byte offset: a repeat is dropped, the next one appended, a jump is a gap", () => {
  let [buf, applied] = applyPiece(EMPTY, piece(0, "café\n"));
  expect(applied).toBe("appended");
  expect(buf).toEqual({ text: "café\n", next: 6, dropped: 0 });
  [buf, applied] = applyPiece(buf, piece(0, "café\n"));
  expect(applied).toBe("repeat");
  [buf, applied] = applyPiece(buf, piece(6, "two\n"));
  expect(applied).toBe("appended");
  expect(buf.text).toBe("café\ntwo\n");
  const [after, gap] = applyPiece(buf, piece(99, "later\n"));
  expect(gap).toBe("gap");
  expect(after).toBe(buf);
});

test("a long log keeps only its end, cut at a line start, and counts what it left out", () => {
  let buf = EMPTY;
  let offset = 0;
  for (let i = 0; i < 100; i++) {
    const p = piece(offset, `line ${String(i).padStart(3, "0")}\n`);
    [buf] = applyPiece(buf, p, 100);
    offset += p.size;
  }
  expect(buf.text.length).toBeLessThanOrEqual(100);
  expect(buf.text.startsWith("line ")).toBe(true);
  expect(buf.text.endsWith("line 099\n")).toBe(true);
  expect(buf.dropped + buf.text.length).toBe(offset);
  expect(buf.next).toBe(offset);
});
