import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";

// Time of the kernels a transformer layer is made of, on one GPU.

export interface KernelDevice {
  /** Dense peak of the precision the kernel runs in, FLOP/s. */
  readonly peakFlops: number;
  readonly hbmBytesPerSecond: number;
  readonly hardware: HardwareCalibration;
}

/** Fraction of peak a GEMM of shape (m x k) . (k x n) reaches: small dimensions leave the GPU idle. */
export function gemmEfficiency(m: number, k: number, n: number, hardware: HardwareCalibration): number {
  const { maxFraction, halfDim } = hardware.gemm;
  return maxFraction * (m / (m + halfDim)) * (k / (k + halfDim)) * (n / (n + halfDim));
}

/** One kernel computing `batch` independent GEMMs of the same shape (batch 1: a plain GEMM). */
export function batchedGemmSeconds(
  batch: number,
  m: number,
  k: number,
  n: number,
  device: KernelDevice,
): number {
  if (batch <= 0 || m <= 0 || k <= 0 || n <= 0) return 0;
  const { hardware } = device;
  const compute =
    (2 * m * k * n) /
    (device.peakFlops * hardware.sustainedComputeFraction * gemmEfficiency(m, k, n, hardware));
  // Thin GEMMs (attention heads, small k) can be bound by reading and writing their operands instead.
  const traffic =
    (2 * (m * k + k * n + m * n)) / (device.hbmBytesPerSecond * hardware.elementwiseBandwidthFraction);
  return batch * Math.max(compute, traffic) + hardware.gemm.kernelSeconds;
}

export function gemmSeconds(m: number, k: number, n: number, device: KernelDevice): number {
  return batchedGemmSeconds(1, m, k, n, device);
}

/** Forward and backward of `batch` same-shaped linear layers in one grouped kernel (MoE experts). */
export function groupedLinearSeconds(
  batch: number,
  tokens: number,
  inputs: number,
  outputs: number,
  device: KernelDevice,
): { forward: number; backward: number } {
  return {
    forward: batchedGemmSeconds(batch, tokens, inputs, outputs, device),
    backward:
      batchedGemmSeconds(batch, tokens, outputs, inputs, device) +
      batchedGemmSeconds(batch, inputs, tokens, outputs, device),
  };
}

/** Forward and backward of a linear layer: the forward GEMM, then data and weight gradients. */
export function linearSeconds(
  tokens: number,
  inputs: number,
  outputs: number,
  device: KernelDevice,
): { forward: number; backward: number } {
  return groupedLinearSeconds(1, tokens, inputs, outputs, device);
}

/**
 * Fused (flash) attention for `forwardFlops` of score and value products over keys of length
 * `keyLength`. The backward recomputes the probabilities: 2.5x the forward work.
 */
export function flashAttentionSeconds(
  forwardFlops: number,
  keyLength: number,
  device: KernelDevice,
): { forward: number; backward: number } {
  const f = device.hardware.flashAttention;
  const peak = device.peakFlops * device.hardware.sustainedComputeFraction;
  const forwardRate = peak * f.forwardMaxFraction * (keyLength / (keyLength + f.forwardHalfSeq));
  const trainingRate = peak * f.trainingMaxFraction * (keyLength / (keyLength + f.trainingHalfSeq));
  const forward = forwardFlops / forwardRate;
  const training = (3.5 * forwardFlops) / trainingRate;
  return { forward, backward: Math.max(0, training - forward) };
}

export function memoryBoundSeconds(bytes: number, device: KernelDevice): number {
  return bytes / (device.hbmBytesPerSecond * device.hardware.elementwiseBandwidthFraction);
}
