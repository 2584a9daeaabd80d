/**
 * Local matching of subscription patterns against event types, mirroring the
 * daemon's rules so listeners inside the page only see what they asked for:
 * exact names, `prefix.*`, `*`, and `name:field=value` filters; the high-volume
 * events match only a pattern that names them exactly.
 */
export interface ParsedPattern {
  readonly raw: string;
  readonly name: string;
  readonly filter: { readonly field: string; readonly value: string } | null;
}

export function parsePattern(raw: string): ParsedPattern {
  const colon = raw.indexOf(":");
  if (colon < 0) return { raw, name: raw, filter: null };
  const name = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  const eq = rest.indexOf("=");
  if (eq < 0) return { raw, name, filter: null };
  return { raw, name, filter: { field: rest.slice(0, eq), value: rest.slice(eq + 1) } };
}

export function matchesPattern(
  pattern: ParsedPattern,
  type: string,
  data: unknown,
  highVolume: ReadonlySet<string>,
): boolean {
  const { name, filter } = pattern;
  let nameOk: boolean;
  if (name === type) {
    nameOk = true;
  } else if (highVolume.has(type)) {
    nameOk = false;
  } else if (name === "*") {
    nameOk = true;
  } else if (name.endsWith(".*")) {
    nameOk = type.startsWith(name.slice(0, -1));
  } else {
    nameOk = false;
  }
  if (!nameOk || filter === null) return nameOk;
  if (typeof data !== "object" || data === null) return false;
  const value = (data as Record<string, unknown>)[filter.field];
  return value !== undefined && value !== null && String(value) === filter.value;
}

export function matchesAny(
  patterns: readonly ParsedPattern[],
  type: string,
  data: unknown,
  highVolume: ReadonlySet<string>,
): boolean {
  return patterns.some((p) => matchesPattern(p, type, data, highVolume));
}
