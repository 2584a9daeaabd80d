/** Case-insensitive search in a line of output: the pieces to render, matches marked. */
export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

export function splitMatches(text: string, query: string): Segment[] {
  if (!query) return [{ text, match: false }];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const out: Segment[] = [];
  let at = 0;
  for (let found = haystack.indexOf(needle); found !== -1; found = haystack.indexOf(needle, found + needle.length)) {
    if (found > at) out.push({ text: text.slice(at, found), match: false });
    out.push({ text: text.slice(found, found + needle.length), match: true });
    at = found + needle.length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}

export function countMatches(text: string, query: string): number {
  return splitMatches(text, query).filter((s) => s.match).length;
}
