// Provenance of every catalog figure: where it comes from and what kind of figure it is.

export type SourceKind = "vendor" | "paper" | "measured" | "derived" | "estimate";

export interface Source {
  /** Document, table or section, and date. */
  readonly ref: string;
  readonly kind: SourceKind;
  readonly note?: string;
}

/** Every numeric field of T must say where it comes from. */
export type SourcesOf<T> = { readonly [K in keyof T]: Source };
