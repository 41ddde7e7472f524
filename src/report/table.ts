// Plain-text tables: text columns left-aligned, numbers right-aligned.

/** `textColumns`: columns besides the first that hold text rather than numbers. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns: readonly number[] = [],
  indent = "  ",
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]) =>
    indent +
    row
      .map((cell, column) =>
        column === 0 || textColumns.includes(column)
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
