/**
 * ANSI colours and styles in agent output, as spans to render: parsed by `anser` (SGR codes
 * only; cursor movement and other control sequences are dropped from the text), never turned
 * into HTML, so what an agent prints cannot inject markup.
 */
import Anser from "anser";

export interface AnsiSpan {
  readonly text: string;
  readonly style: { color?: string; backgroundColor?: string; fontWeight?: number; fontStyle?: string; textDecoration?: string; opacity?: number };
}

export function ansiSpans(text: string): AnsiSpan[] {
  const entries = Anser.ansiToJson(text, { json: true, remove_empty: true });
  return entries.map((entry) => {
    const style: { -readonly [K in keyof AnsiSpan["style"]]: AnsiSpan["style"][K] } = {};
    if (entry.fg) style.color = `rgb(${entry.fg})`;
    if (entry.bg) style.backgroundColor = `rgb(${entry.bg})`;
    const decorations = new Set(entry.decorations);
    if (decorations.has("bold")) style.fontWeight = 700;
    if (decorations.has("italic")) style.fontStyle = "italic";
    if (decorations.has("dim")) style.opacity = 0.7;
    const lines = [decorations.has("underline") ? "underline" : "", decorations.has("strikethrough") ? "line-through" : ""];
    const decoration = lines.filter(Boolean).join(" ");
    if (decoration) style.textDecoration = decoration;
    return { text: entry.content, style };
  });
}

/** The text without its escape sequences (what search looks in). */
export function plainText(text: string): string {
  return ansiSpans(text)
    .map((s) => s.text)
    .join("");
}
