/**
 * The Events page's pattern box: the text a user types, read as the daemon's subscription
 * patterns (docs/protocol.md, "Subscriptions"), checked with the same parser the socket
 * client uses (lib/ws/patterns.ts), so a pattern refused here is exactly one the daemon
 * would refuse, and one accepted here never makes the shared socket's subscribe frame fail.
 *
 * Patterns are separated by whitespace, as `tidewire tail` takes them as words (a comma may
 * be part of a filter's value, so it separates nothing).
 */
import { parsePattern, PatternError, type ParsedPattern } from "../ws/patterns";
import { EVENT_TYPES, HIGH_VOLUME_EVENTS } from "../ws/generated";
import { MAX_NAME_LENGTH, MAX_NAMES_PER_FRAME } from "../ws/subscriptions";

/** What an empty box means, as for `tidewire tail` without arguments. */
export const DEFAULT_PATTERNS: readonly string[] = ["*"];

const KNOWN: readonly string[] = EVENT_TYPES;
const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN);
const FAMILIES: readonly string[] = [...new Set(KNOWN.map((name) => name.split(".", 1)[0] as string))].sort();
export const HIGH_VOLUME: ReadonlySet<string> = new Set<string>(HIGH_VOLUME_EVENTS);

export interface PatternProblem {
  readonly pattern: string;
  readonly message: string;
}

export type PatternInput =
  | { readonly ok: true; readonly patterns: readonly string[]; readonly parsed: readonly ParsedPattern[]; readonly hints: readonly string[] }
  | { readonly ok: false; readonly errors: readonly PatternProblem[] };

/** Splits the box's text into patterns, dropping repeats (the daemon keeps a set). */
export function splitPatterns(text: string): string[] {
  return [...new Set(text.split(/\s+/u).filter((p) => p !== ""))];
}

/** The box's text for a pattern set (what `splitPatterns` reads back). */
export function joinPatterns(patterns: readonly string[]): string {
  return patterns.join(" ");
}

/**
 * Reads the box: every pattern checked as the daemon checks it; the errors name each bad
 * pattern. An accepted set also gets hints for what is valid but likely not meant (a name
 * no event has, a wildcard that leaves out the high-volume events).
 */
export function readPatterns(text: string): PatternInput {
  return checkPatterns(splitPatterns(text));
}

/** Checks a pattern list (from the box or the URL); an empty one means the default. */
export function checkPatterns(words: readonly string[]): PatternInput {
  const patterns = words.length === 0 ? [...DEFAULT_PATTERNS] : words;
  if (patterns.length > MAX_NAMES_PER_FRAME) {
    return {
      ok: false,
      errors: [{ pattern: "", message: `at most ${MAX_NAMES_PER_FRAME} patterns at once (${patterns.length} given)` }],
    };
  }
  const errors: PatternProblem[] = [];
  const parsed: ParsedPattern[] = [];
  for (const pattern of patterns) {
    if (pattern.length > MAX_NAME_LENGTH) {
      errors.push({ pattern, message: `${JSON.stringify(pattern.slice(0, 40))}… is longer than ${MAX_NAME_LENGTH} characters` });
      continue;
    }
    try {
      parsed.push(parsePattern(pattern));
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      errors.push({ pattern, message: err.message });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, patterns, parsed, hints: hintsFor(parsed) };
}

function hintsFor(parsed: readonly ParsedPattern[]): string[] {
  const hints: string[] = [];
  const exact = new Set(parsed.filter((p) => p.kind === "exact").map((p) => p.name));
  for (const p of parsed) {
    const unknown = unknownName(p);
    if (unknown !== null) hints.push(unknown);
  }
  // Which high-volume events a wildcard here would have matched, were it not for the rule.
  const left = [...HIGH_VOLUME].filter(
    (name) => !exact.has(name) && parsed.some((p) => p.kind === "all" || (p.kind === "prefix" && name.startsWith(p.name))),
  );
  if (left.length > 0) {
    hints.push(
      left.length === 1
        ? `${left[0]} is a high-volume event: wildcards leave it out; add it by exact name to see it`
        : `${new Intl.ListFormat("en", { type: "conjunction" }).format(left)} are high-volume events: wildcards leave them out; add them by exact name to see them`,
    );
  }
  return hints;
}

/** Why a pattern names no event this dashboard knows (a newer daemon may), or null. */
function unknownName(p: ParsedPattern): string | null {
  if (p.kind === "all") return null;
  if (p.kind === "prefix") {
    const family = p.name.slice(0, -1);
    if (KNOWN.some((name) => name.startsWith(p.name))) return null;
    return `no event starts with ${JSON.stringify(p.name)}${didYouMean(family, FAMILIES, (f) => `${f}.*`)}`;
  }
  if (KNOWN_SET.has(p.name)) return null;
  return `no event is named ${JSON.stringify(p.name)}${didYouMean(p.name, KNOWN, (n) => n)}`;
}

function didYouMean(word: string, candidates: readonly string[], show: (c: string) => string): string {
  const close = candidates
    .map((c) => ({ c, d: editDistance(word, c) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(word.length / 4)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 3)
    .map(({ c }) => show(c));
  return close.length > 0 ? `; did you mean ${close.join(", ")}?` : "";
}

/**
 * Levenshtein distance, hand-written: a dozen lines for a hint over a few dozen short names
 * is not worth a dependency.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The patterns kept in the page's URL (`?p=task.*&p=session.message`); none means the default. */
export function patternsFromParams(params: URLSearchParams): string[] {
  return [...new Set(params.getAll("p").filter((p) => p !== ""))];
}

/** The URL's search params with the pattern set written as `p` entries (others kept as they are). */
export function paramsWithPatterns(params: URLSearchParams, patterns: readonly string[]): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete("p");
  const isDefault = patterns.length === DEFAULT_PATTERNS.length && patterns.every((p, i) => p === DEFAULT_PATTERNS[i]);
  if (!isDefault) for (const p of patterns) next.append("p", p);
  return next;
}
