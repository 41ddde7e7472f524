import { currentTableStyle } from "./style.ts";

// Plain-text tables: text columns left-aligned, numbers right-aligned.

const COLOUR_CODES = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g");

/** `textColumns`: columns besides the first that hold text rather than numbers. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: readonly number[] = [],
  indent = "  ",
): string {
  if (currentTableStyle() === "markdown") {
    const escapePipes = (cell: string) => cell.replaceAll("|", "\\|");
    const align = header.map((_, i) => (i === 0 || textColumns.includes(i) ? ":--" : "--:"));
    return [
      "",
      `| ${header.map(escapePipes).join(" | ")} |`,
      `| ${align.join(" | ")} |`,
      ...rows.map((row) => `| ${row.map(escapePipes).join(" | ")} |`),
      "",
    ].join("\n");
  }
  // Colour codes take no width on screen.
  const visible = (cell: string) => cell.replace(COLOUR_CODES, "").length;
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => visible(row[column] ?? ""))));
  const pad = (cell: string, width: number, left: boolean) => {
    const fill = " ".repeat(Math.max(0, width - visible(cell)));
    return left ? cell + fill : fill + cell;
  };
  const line = (row: readonly string[]) =>
    indent +
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0, column === 0 || textColumns.includes(column)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
