// Bytes each parameter costs under a mixed-precision recipe, before any ZeRO sharding.

export type Precision = "bf16" | "fp8";
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
  const fp8Copies = precision === "fp8" ? 2 : 0;
  if (recipe === "megatron-fp8-params" && precision === "fp8") {
    // Weights kept only in FP8 between steps (TE fp8_model_init, NeMo `fp8_params`), with their
    // transposed copy; the optimizer's fp32 master copy is the high-precision one.
    return { weights: 1, gradients: 4, optimizer: 12, castCopies: 1, optimizerStepBytes: 2 * 12 + 4 + 2 };
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
const RECIPES: Record<Recipe, Record<Precision, StateBytesPerParameter>> = {
  megatron: { bf16: recipeBytes("megatron", "bf16"), fp8: recipeBytes("megatron", "fp8") },
  "megatron-fp8-params": {
    bf16: recipeBytes("megatron-fp8-params", "bf16"),
    fp8: recipeBytes("megatron-fp8-params", "fp8"),
  },
  "pytorch-amp": { bf16: recipeBytes("pytorch-amp", "bf16"), fp8: recipeBytes("pytorch-amp", "fp8") },
};

export function stateBytesPerParameter(recipe: Recipe, precision: Precision): StateBytesPerParameter {
  return RECIPES[recipe][precision];
}
