import type { UncertaintyResult } from "../pipeline/uncertainty.ts";
import { formatQuantity } from "../units.ts";
import { type ReportDocument, row, span } from "./document.ts";

/** P10/P50/P90 of the uncertain inputs and of the results, and which inputs move each result most. */
export function uncertaintyReport(result: UncertaintyResult): ReportDocument {
  const failed = result.failedSamples;
  const worked = failed ? `the ${result.samples - failed.count} of ${result.samples}` : `${result.samples}`;
  const sampled = `over ${worked} samples of all uncertain inputs together (seed ${result.seed})`;
  // Failures are reported, not hidden: the percentiles are of the samples that worked.
  const failures = failed
    ? [
        `${failed.count} of ${result.samples} samples failed: ${failed.reasons
          .map((r) => `${r.message} (${r.count})`)
          .join("; ")}`,
      ]
    : [];
  const inputNotes = [
    ...result.inputs.flatMap((i) =>
      i.swingFailed === undefined ? [] : [`${i.path}: no P10 -> P90 swing, a run failed: ${i.swingFailed}`],
    ),
    ...(result.notes ?? []),
  ];
  const swing = "each input alone from its P10 to its P90, the others at their medians";
  return {
    sections: [
      {
        title: `Uncertainty: ${result.samples} samples of ${result.inputs.length} uncertain inputs (seed ${result.seed})`,
        table: {
          header: ["input", "P10", "P50", "P90"],
          rows: result.inputs.map((i) =>
            row(
              [i.path, formatQuantity(i.p10), formatQuantity(i.p50), formatQuantity(i.p90)],
              "the range or distribution given for this field, truncated to the field's bounds",
            ),
          ),
          help: "the uncertain inputs",
        },
        ...(inputNotes.length > 0 ? { notes: inputNotes } : {}),
      },
      {
        ...(failures.length > 0 ? { lines: failures } : {}),
        table: {
          header: ["result", "P10", "P50", "P90", "moved most by (P10 -> P90 of that input alone)"],
          rows: Object.entries(result.outputs).map(([name, p]) => {
            const movers = (result.sensitivity[name] ?? [])
              .filter((s) => s.swing > 0)
              .slice(0, 2)
              .map((s) => `${s.input} (${formatQuantity(s.atP10)} -> ${formatQuantity(s.atP90)})`)
              .join("; ");
            return [
              ...row([name, formatQuantity(p.p10), formatQuantity(p.p50), formatQuantity(p.p90)], sampled),
              span(movers || "none of them", swing),
            ];
          }),
          textColumns: [4],
          help: `results ${sampled}`,
        },
      },
    ],
  };
}
