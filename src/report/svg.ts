// Small helpers for SVG pictures drawn as strings (no DOM, no plotting library): escaping, text and
// rectangles, and the frame every picture shares (a viewBox and width 100%, so it scales to the page).

import { formatGrouped } from "../units.ts";

/** Text for SVG content or an attribute: markup escaped, and characters XML forbids dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&#39;")
  );
}

/** A number for an SVG attribute: two decimals at most, no trailing zeros. */
export function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
export const INK = "#1f2933";
export const MUTED = "#52606d";

export interface TextOptions {
  readonly size?: number;
  readonly weight?: "bold" | "normal";
  readonly anchor?: "start" | "middle" | "end";
  readonly fill?: string;
  /** Further attributes, written as they are (never user text). */
  readonly attributes?: string;
}

/** One line of text at (x, y), escaped. */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const attributes = [
    `x="${n(x)}"`,
    `y="${n(y)}"`,
    `font-size="${options.size ?? 14}"`,
    options.weight === "bold" ? `font-weight="bold"` : "",
    options.anchor && options.anchor !== "start" ? `text-anchor="${options.anchor}"` : "",
    `fill="${options.fill ?? INK}"`,
    options.attributes ?? "",
  ].filter(Boolean);
  return `<text ${attributes.join(" ")}>${escapeXml(content)}</text>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string, extra = ""): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="${fill}"${extra ? ` ${extra}` : ""}/>`;
}

/**
 * Words into lines of at most `chars` characters (a long word stays whole). At 14 px a character is
 * about 7.5 px wide in the sans-serif fonts used here.
 */
export function wrap(content: string, chars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of content.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [""];
}

/** Characters of `size`-px text that fit in `width` px (a conservative average glyph width). */
export function charsIn(width: number, size: number): number {
  return Math.max(1, Math.floor(width / (size * 0.56)));
}

/** The outer SVG: scales to its container (width 100%), with a title for screen readers. */
export function frame(width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="100%" ` +
    `role="img" font-family="${FONT}" style="max-width: 100%; height: auto">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect width="${n(width)}" height="${n(height)}" fill="white"/>${body}</svg>\n`
  );
}

/** Whole numbers grouped by thousands (1,563). */
export function count(value: number): string {
  return formatGrouped(Math.round(value));
}
