// How reports are drawn: plain text tables or Markdown, with or without colour. The CLI sets this once
// (colour only on a terminal and never under NO_COLOR); the core's default is plain text.

export type TableStyle = "text" | "markdown";

let tableStyle: TableStyle = "text";
let colour = false;

export function setReportStyle(style: { table: TableStyle; colour: boolean }): void {
  tableStyle = style.table;
  colour = style.colour && style.table === "text";
}

export function currentTableStyle(): TableStyle {
  return tableStyle;
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1 } as const;

export function paint(text: string, tone: keyof typeof CODES): string {
  if (!colour || text === "") return text;
  return `\u001b[${CODES[tone]}m${text}\u001b[0m`;
}
