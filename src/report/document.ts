// One report model, drawn three ways. Every report (plan, search, build-out, run, compare, sweep,
// uncertainty, validation, catalog) is a list of sections; `drawText` draws them as plain-text or
// Markdown tables for the CLI, `drawHtml` as HTML for the web page, so both show the same content.

/** Green for a good outcome, red for a bad one (colour on a terminal, a class in HTML). */
export type Tone = "good" | "bad";

/** A piece of a line or a cell: its text, an optional tone, and where its number comes from. */
export interface Span {
  readonly text: string;
  readonly tone?: Tone;
  readonly help?: string;
}

/** A line of text: plain, or made of spans. */
export type Line = string | readonly Span[];

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly Span[])[];
  /** Columns besides the first that hold text rather than figures (left-aligned). */
  readonly textColumns?: readonly number[];
  /** What the table's figures are, for cells that carry no help of their own. */
  readonly help: string;
}

export interface Section {
  readonly title?: Line;
  /** Lines under the title, before the table. */
  readonly lines?: readonly Line[];
  readonly table?: Table;
  /** Notes on the table (indented under it in text). */
  readonly notes?: readonly Line[];
}

export interface ReportDocument {
  readonly sections: readonly Section[];
}

export interface ReportStyle {
  readonly format: "text" | "markdown";
  /** ANSI colour for tones (text format only; off when left out). */
  readonly colour?: boolean;
}

export const PLAIN_TEXT: ReportStyle = { format: "text", colour: false };

/** A cell or span with help: the tooltip that explains its number. */
export const span = (text: string, help?: string, tone?: Tone): Span => ({
  text,
  ...(help !== undefined ? { help } : {}),
  ...(tone !== undefined ? { tone } : {}),
});

/** A row of plain strings, each explained by `help`. */
export const row = (cells: readonly string[], help?: string): Span[] => cells.map((c) => span(c, help));

const ANSI = { good: 32, bad: 31 } as const;

// Control characters (terminal escapes, line breaks) and bidirectional overrides in a name a user
// typed would redraw the terminal or reorder the line: they are shown escaped instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print: control and bidirectional-override characters written as \u{...} escapes. */
export function safeText(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

function paint(piece: Span, style: ReportStyle): string {
  const text = safeText(piece.text);
  if (!piece.tone || !style.colour || style.format !== "text" || text === "") return text;
  return `\u001b[${ANSI[piece.tone]}m${text}\u001b[0m`;
}

function lineText(line: Line, style: ReportStyle): string {
  return typeof line === "string" ? safeText(line) : line.map((piece) => paint(piece, style)).join("");
}

const COLOUR_CODES = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g");

/** Plain-text tables (text columns left-aligned, figures right-aligned) or Markdown tables. */
function drawTable(table: Table, style: ReportStyle, indent = "  "): string {
  const header = table.header.map(safeText);
  const textColumns = table.textColumns ?? [];
  const rows = table.rows.map((cells) => cells.map((cell) => paint(cell, style)));
  if (style.format === "markdown") {
    const escapePipes = (cell: string) => cell.replaceAll("|", "\\|");
    const align = header.map((_, i) => (i === 0 || textColumns.includes(i) ? ":--" : "--:"));
    return [
      "",
      `| ${header.map(escapePipes).join(" | ")} |`,
      `| ${align.join(" | ")} |`,
      ...rows.map((cells) => `| ${cells.map(escapePipes).join(" | ")} |`),
      "",
    ].join("\n");
  }
  // Colour codes take no width on screen.
  const visible = (cell: string) => cell.replace(COLOUR_CODES, "").length;
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((cells) => visible(cells[column] ?? ""))));
  const pad = (cell: string, width: number, left: boolean) => {
    const fill = " ".repeat(Math.max(0, width - visible(cell)));
    return left ? cell + fill : fill + cell;
  };
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((cell, column) => pad(cell, widths[column] ?? 0, column === 0 || textColumns.includes(column)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** The report as plain text or Markdown: sections apart by a blank line, table notes indented. */
export function drawText(report: ReportDocument, style: ReportStyle = PLAIN_TEXT): string {
  return report.sections
    .map((section) => {
      const out: string[] = [];
      if (section.title !== undefined) out.push(lineText(section.title, style));
      for (const line of section.lines ?? []) out.push(lineText(line, style));
      if (section.table) out.push(drawTable(section.table, style));
      for (const note of section.notes ?? []) out.push(`  ${lineText(note, style)}`);
      return out.join("\n");
    })
    .join("\n\n");
}

export const escapeHtml = (text: string) =>
  safeText(text).replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c,
  );

/** A figure (right-aligned): a number with at most a short unit, such as 4,096, 49.5%, $6.6 M or -50%. */
const FIGURE = /^[-+$]?\d[\d,.]*(\s?\S{1,3})?$/;

function htmlSpan(piece: Span): string {
  const text = escapeHtml(piece.text);
  const tone = piece.tone ? ` class="${piece.tone}"` : "";
  const title = piece.help ? ` title="${escapeHtml(piece.help)}"` : "";
  return tone || title ? `<span${tone}${title}>${text}</span>` : text;
}

function htmlLine(line: Line): string {
  return typeof line === "string" ? escapeHtml(line) : line.map(htmlSpan).join("");
}

function htmlTable(table: Table, caption: string): string {
  const head = table.header
    .map(
      (h, i) =>
        `<th scope="col"${table.textColumns?.includes(i) ? ' class="text"' : ""}>${escapeHtml(h)}</th>`,
    )
    .join("");
  const body = table.rows
    .map((cells) => {
      // A row without help of its own is explained by its first cell's (the term's) help.
      const rowHelp = cells[0]?.help ?? table.help;
      return `<tr>${cells
        .map((cell, i) => {
          const text = i === 0 || table.textColumns?.includes(i) || !FIGURE.test(cell.text);
          const tag = i === 0 ? 'th scope="row"' : text ? 'td class="text"' : "td";
          const tone = cell.tone ? ` data-tone="${cell.tone}"` : "";
          const title = ` title="${escapeHtml(cell.help ?? rowHelp)}"`;
          return `<${tag}${title}${tone}>${escapeHtml(cell.text)}</${tag.split(" ")[0]}>`;
        })
        .join("")}</tr>`;
    })
    .join("");
  return `<div class="table-wrap"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The report as HTML: a heading per titled section, its lines, its table (captioned by the title), its notes. */
export function drawHtml(report: ReportDocument): string {
  return report.sections
    .map((section) => {
      const title = section.title === undefined ? "" : lineText(section.title, PLAIN_TEXT);
      const parts: string[] = [];
      if (section.title !== undefined) parts.push(`<h3>${htmlLine(section.title)}</h3>`);
      for (const line of section.lines ?? []) parts.push(`<p>${htmlLine(line)}</p>`);
      if (section.table) parts.push(htmlTable(section.table, title || section.table.help));
      for (const note of section.notes ?? []) parts.push(`<p class="note">${htmlLine(note)}</p>`);
      return `<section class="report">${parts.join("")}</section>`;
    })
    .join("");
}
