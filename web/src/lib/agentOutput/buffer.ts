/**
 * An agent run's output as the viewer holds it: the kept log read over REST, then the live
 * `agent.output` chunks, put together by byte offset so nothing is shown twice or skipped.
 *
 * Every chunk and page carries the byte offset it starts at in the run's log; the buffer knows
 * the offset its text ends at (`next`). A chunk ending at or before `next` is a repeat (the page
 * already held it); one starting at `next` extends the text; one starting past it means bytes
 * were missed, and the caller reads the log from `next` again.
 *
 * Large logs are capped: only the last `maxChars` characters are kept (cut at a line start),
 * and `dropped` says how many were left out, so the page stays light whatever the agent prints.
 */

export const MAX_CHARS = 2_000_000;

export interface OutputBuffer {
  readonly text: string;
  /** The log offset (bytes) the text ends at. */
  readonly next: number;
  /** Characters left out at the start to keep the buffer under its cap. */
  readonly dropped: number;
}

export interface OutputPiece {
  readonly offset: number;
  /** Bytes the piece takes in the log. */
  readonly size: number;
  readonly text: string;
}

export type Applied = "appended" | "repeat" | "gap";

export const EMPTY: OutputBuffer = { text: "", next: 0, dropped: 0 };

export function applyPiece(buffer: OutputBuffer, piece: OutputPiece, maxChars = MAX_CHARS): [OutputBuffer, Applied] {
  if (piece.offset + piece.size <= buffer.next) return [buffer, "repeat"];
  if (piece.offset !== buffer.next) return [buffer, "gap"];
  return [cap({ text: buffer.text + piece.text, next: piece.offset + piece.size, dropped: buffer.dropped }, maxChars), "appended"];
}

function cap(buffer: OutputBuffer, maxChars: number): OutputBuffer {
  if (buffer.text.length <= maxChars) return buffer;
  let cut = buffer.text.length - maxChars;
  const lineStart = buffer.text.indexOf("\n", cut);
  if (lineStart !== -1 && lineStart - cut < 10_000) cut = lineStart + 1;
  return { text: buffer.text.slice(cut), next: buffer.next, dropped: buffer.dropped + cut };
}
