// Bytes each parameter costs under a mixed-precision recipe, before any ZeRO sharding.

export type Precision = "bf16" | "fp8";
export type Recipe = "megatron" | "pytorch-amp";

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
  // FP8 recipes (Transformer Engine) keep an FP8 copy of each GEMM weight next to the BF16 one.
  const fp8Copy = precision === "fp8" ? 1 : 0;
  if (recipe === "megatron") {
    // bf16 weights, fp32 main gradients, fp32 master weights + Adam m and v (Megatron distrib_optimizer.md).
    return {
      weights: 2,
      gradients: 4,
      optimizer: 12,
      castCopies: fp8Copy,
      optimizerStepBytes: 2 * 12 + 4 + 2,
    };
  }
  // PyTorch AMP: fp32 weights and gradients, Adam m and v; autocast keeps bf16 copies of the weights.
  return {
    weights: 4,
    gradients: 4,
    optimizer: 8,
    castCopies: 2 + fp8Copy,
    optimizerStepBytes: 2 * 8 + 4 + 2 * 4,
  };
}

// Looked up millions of times by the layout search: built once.
const RECIPES: Record<Recipe, Record<Precision, StateBytesPerParameter>> = {
  megatron: { bf16: recipeBytes("megatron", "bf16"), fp8: recipeBytes("megatron", "fp8") },
  "pytorch-amp": { bf16: recipeBytes("pytorch-amp", "bf16"), fp8: recipeBytes("pytorch-amp", "fp8") },
};

export function stateBytesPerParameter(recipe: Recipe, precision: Precision): StateBytesPerParameter {
  return RECIPES[recipe][precision];
}
