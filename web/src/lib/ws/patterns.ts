/**
 * Subscription patterns, parsed and matched the way the daemon does it, so that
 * (a) a malformed pattern is refused at `subscribe()` instead of making the
 * daemon refuse the whole frame (and, after a reconnect, the whole active set),
 * and (b) listeners inside the page see exactly what they asked for.
 *
 * Forms: `name`, `prefix.*`, `*`, each optionally filtered `:field=value`,
 * where `field` may be a dotted path into `data` and the value is compared with
 * the field's JSON scalar written as text. Wildcards never match the
 * high-volume events; those need their exact name.
 */
export interface ParsedPattern {
  readonly raw: string;
  readonly kind: "all" | "prefix" | "exact";
  /** The exact name, or the prefix with its trailing dot, or "" for `*`. */
  readonly name: string;
  readonly filter: { readonly path: readonly string[]; readonly value: string } | null;
}

const SEGMENT = "[a-z0-9_]+";
const NAME = new RegExp(`^${SEGMENT}(\\.${SEGMENT})+$`, "u");
const PREFIX = new RegExp(`^${SEGMENT}(\\.${SEGMENT})*\\.\\*$`, "u");
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/u;

export class PatternError extends TypeError {
  override readonly name = "PatternError";
}

/** Parses a pattern; throws PatternError for one the daemon would refuse. */
export function parsePattern(raw: string): ParsedPattern {
  const colon = raw.indexOf(":");
  const namePart = colon < 0 ? raw : raw.slice(0, colon);
  let filter: ParsedPattern["filter"] = null;
  if (colon >= 0) {
    const rest = raw.slice(colon + 1);
    const eq = rest.indexOf("=");
    const field = eq < 0 ? "" : rest.slice(0, eq);
    if (eq < 0 || !FIELD.test(field)) throw new PatternError(`${JSON.stringify(raw)}: a filter is written name:field=value`);
    const value = rest.slice(eq + 1);
    if (value === "") throw new PatternError(`${JSON.stringify(raw)}: the filter value is empty`);
    filter = { path: field.split("."), value };
  }
  if (namePart === "*") return { raw, kind: "all", name: "", filter };
  if (PREFIX.test(namePart)) return { raw, kind: "prefix", name: namePart.slice(0, -1), filter };
  if (NAME.test(namePart)) return { raw, kind: "exact", name: namePart, filter };
  throw new PatternError(
    `${JSON.stringify(raw)} is not an event name, a 'prefix.*' pattern or '*' (optionally ':field=value')`,
  );
}

/** The text a JSON scalar compares as (the daemon writes non-strings as JSON). */
function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    // Same text as the daemon's for integers and fractions; a whole-number float (3.0) reaches
    // JavaScript as 3, so such a filter can only be matched on the daemon side.
    return Number.isFinite(value) ? JSON.stringify(value) : null;
  }
  return null;
}

function matchesType(pattern: ParsedPattern, type: string, highVolume: ReadonlySet<string>): boolean {
  if (pattern.kind === "exact") return type === pattern.name;
  if (highVolume.has(type)) return false;
  return pattern.kind === "all" || type.startsWith(pattern.name);
}

function matchesData(pattern: ParsedPattern, data: unknown): boolean {
  if (pattern.filter === null) return true;
  let node: unknown = data;
  for (const part of pattern.filter.path) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return false;
    if (!Object.prototype.hasOwnProperty.call(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return scalarText(node) === pattern.filter.value;
}

export function matchesPattern(
  pattern: ParsedPattern,
  type: string,
  data: unknown,
  highVolume: ReadonlySet<string>,
): boolean {
  return matchesType(pattern, type, highVolume) && matchesData(pattern, data);
}

export function matchesAny(
  patterns: readonly ParsedPattern[],
  type: string,
  data: unknown,
  highVolume: ReadonlySet<string>,
): boolean {
  return patterns.some((p) => matchesPattern(p, type, data, highVolume));
}
