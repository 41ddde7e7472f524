// The number formats a training run's matrix math uses, and the bytes each parameter costs under a
// mixed-precision recipe, before any ZeRO sharding.

export type Precision = "bf16" | "fp8" | "mxfp8" | "nvfp4";

/** How a precision runs the linear layers' GEMMs (attention, norms and the output layer stay BF16). */
export interface PrecisionFormat {
  readonly name: Precision;
  /** The dense tensor-core rate its GEMMs run at. */
  readonly gemmRate: "bf16" | "fp8" | "fp4";
  /** Bytes of one quantized element, its share of the scaling factors included. */
  readonly elementBytes: number;
  /** Quantized copies kept of each weight: row-wise for the forward, column-wise for the gradients. */
  readonly copies: number;
  /**
   * Quantized copies written per activation cast: per-tensor FP8 transposes the one copy; block
   * scales run along rows or columns, so block formats quantize twice.
   */
  readonly activationCopies: number;
  /** Block-scaled: needs tensor cores that apply per-block scales (Blackwell, CDNA4). */
  readonly blockScaled: boolean;
  readonly source: string;
}

export const PRECISION_FORMATS: Readonly<Record<Precision, PrecisionFormat>> = {
  bf16: {
    name: "bf16",
    gemmRate: "bf16",
    elementBytes: 2,
    copies: 0,
    activationCopies: 0,
    blockScaled: false,
    source: "BF16 throughout",
  },
  fp8: {
    name: "fp8",
    gemmRate: "fp8",
    elementBytes: 1,
    copies: 2,
    activationCopies: 1,
    blockScaled: false,
    source:
      "Transformer Engine FP8 with per-tensor (delayed or current) scaling: E4M3/E5M2, one scale per tensor; Hopper's FP8 GEMMs take only the TN layout, so a transposed copy is kept",
  },
  mxfp8: {
    name: "mxfp8",
    gemmRate: "fp8",
    elementBytes: 1 + 1 / 32,
    copies: 2,
    activationCopies: 2,
    blockScaled: true,
    source:
      "OCP Microscaling Formats (MX) v1.0 (2023): FP8 elements in blocks of 32 sharing an 8-bit E8M0 scale; Transformer Engine MXFP8 quantizes row-wise and column-wise",
  },
  nvfp4: {
    name: "nvfp4",
    gemmRate: "fp4",
    elementBytes: 0.5 + 1 / 16,
    copies: 2,
    activationCopies: 2,
    blockScaled: true,
    source:
      "NVIDIA, Pretraining Large Language Models with NVFP4 (arXiv 2509.25149, 2025): E2M1 elements in blocks of 16 with an E4M3 scale, plus one FP32 scale per tensor; fprop, dgrad and wgrad GEMMs in NVFP4",
  },
};
export type Recipe = "megatron" | "megatron-fp8-params" | "pytorch-amp";

export interface StateBytesPerParameter {
  /** Weights as kept between steps. */
  readonly weights: number;
  readonly gradients: number;
  /** Optimizer state, including an fp32 master copy where the recipe keeps one. */
  readonly optimizer: number;
  /** Low-precision copies of the weights made for the matrix math (autocast, FP8 casts). */
  readonly castCopies: number;
  /** HBM traffic of one Adam update per parameter: optimizer state read and written, gradient read, weights written. */
  readonly optimizerStepBytes: number;
}

function recipeBytes(recipe: Recipe, precision: Precision): StateBytesPerParameter {
  // FP8 recipes (Transformer Engine) keep FP8 copies of each GEMM weight next to the BF16 one: one
  // row-wise for the forward and one transposed (column-wise) for the data gradient, since Hopper's
  // FP8 GEMMs take only the TN layout (TE docs, "Performance considerations: handling transposes").
  const format = PRECISION_FORMATS[precision];
  const fp8Copies = format.copies * format.elementBytes;
  if (recipe === "megatron-fp8-params" && precision !== "bf16") {
    // Weights kept only in FP8 between steps (TE fp8_model_init, NeMo `fp8_params`), with their
    // transposed copy; the optimizer's fp32 master copy is the high-precision one.
    return {
      weights: format.elementBytes,
      gradients: 4,
      optimizer: 12,
      castCopies: format.elementBytes,
      optimizerStepBytes: 2 * 12 + 4 + 2,
    };
  }
  if (recipe !== "pytorch-amp") {
    // bf16 weights, fp32 main gradients, fp32 master weights + Adam m and v (Megatron distrib_optimizer.md).
    return {
      weights: 2,
      gradients: 4,
      optimizer: 12,
      castCopies: fp8Copies,
      optimizerStepBytes: 2 * 12 + 4 + 2,
    };
  }
  // PyTorch AMP: fp32 weights and gradients, Adam m and v; autocast keeps bf16 copies of the weights.
  return {
    weights: 4,
    gradients: 4,
    optimizer: 8,
    castCopies: 2 + fp8Copies,
    optimizerStepBytes: 2 * 8 + 4 + 2 * 4,
  };
}

// Looked up millions of times by the layout search: built once.
const PRECISIONS = Object.keys(PRECISION_FORMATS) as Precision[];
const RECIPES = Object.fromEntries(
  (["megatron", "megatron-fp8-params", "pytorch-amp"] as const).map((recipe) => [
    recipe,
    Object.fromEntries(PRECISIONS.map((precision) => [precision, recipeBytes(recipe, precision)])),
  ]),
) as Record<Recipe, Record<Precision, StateBytesPerParameter>>;

export function stateBytesPerParameter(recipe: Recipe, precision: Precision): StateBytesPerParameter {
  return RECIPES[recipe][precision];
}
