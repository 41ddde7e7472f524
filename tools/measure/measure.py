#!/usr/bin/env python3
"""Measure the kernel ceilings, collectives and a few small training runs of the GPUs this runs on.

Writes one JSON file ("gigacluster-measurements/1") that `gigacluster calibrate` reads: GEMM and
flash-attention rates refit the kernel rate curves, collective bus bandwidths refit the link
efficiencies and latency, and the mini training runs join the measured runs of the fit.

One GPU:           python tools/measure/measure.py --out my-gpu.json
One node (8 GPUs): torchrun --nproc-per-node 8 tools/measure/measure.py --out my-node.json

Needs only PyTorch (>= 2.1, with CUDA) and the Python standard library.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import math
import os
import statistics
import sys
import time

FORMAT = "gigacluster-measurements/1"

SECTIONS = ("gemm", "fp8", "attention", "copy", "memory", "adamw", "collectives", "mini")
SECTION_ALIASES = {
    "bf16": "gemm",
    "gemms": "gemm",
    "fp8_gemm": "fp8",
    "flash": "attention",
    "sdpa": "attention",
    "memory_ops": "memory",
    "memops": "memory",
    "membound": "memory",
    "memory_bound": "memory",
    "d2d": "copy",
    "optimizer": "adamw",
    "comms": "collectives",
    "nccl": "collectives",
    "mini_runs": "mini",
    "training": "mini",
}

GIB = 1 << 30

# (m, k, n): square sweeps and the projections of Llama-like layers (m = tokens).
GEMM_SHAPES = [
    (1024, 1024, 1024),
    (2048, 2048, 2048),
    (4096, 4096, 4096),
    (8192, 8192, 8192),
    (16384, 16384, 16384),
    (4096, 2048, 2048),
    (4096, 2048, 5632),
    (4096, 5632, 2048),
    (8192, 3072, 8192),
    (8192, 4096, 14336),
    (16384, 4096, 4096),
    (16384, 8192, 28672),
    (2048, 1024, 1024),
    (2048, 1024, 2816),
]
GEMM_SHAPES_QUICK = [
    (2048, 2048, 2048),
    (4096, 4096, 4096),
    (8192, 8192, 8192),
    (16384, 16384, 16384),
    (8192, 4096, 14336),
]

# (batch, heads, seq), head_dim 128: about the same work per case at every length.
ATTENTION_CASES = [(8, 16, 2048), (4, 32, 4096), (2, 32, 8192), (1, 32, 16384), (1, 32, 32768)]
ATTENTION_CASES_QUICK = [(8, 16, 2048), (4, 32, 4096), (2, 32, 8192)]
HEAD_DIM = 128
ATTENTION_NOTE = (
    "causal FLOPs = half of 4*b*h*s^2*d forward; backward counted as 2.5x forward (recompute of P)"
)

# (tokens, hidden, ffn): RMSNorm over tokens x hidden, SwiGLU over tokens x ffn.
MEMORY_CASES = [(8192, 2048, 5632), (8192, 4096, 14336), (16384, 8192, 28672)]
MEMORY_CASES_QUICK = [(8192, 2048, 5632), (8192, 4096, 14336)]
MEMORY_NOTE = (
    "eager PyTorch kernels; min_bytes counts each tensor read/written once (RMSNorm fwd+bwd: 4 passes "
    "over tokens x hidden bf16; SwiGLU fwd+bwd: 5 passes over tokens x ffn bf16)"
)

ADAMW_SIZES = [250_000_000, 1_000_000_000]
ADAMW_SIZES_QUICK = [250_000_000]
ADAMW_NOTE = "reads p,g,m,v and writes p,m,v: 28 bytes/param"

# 1 KiB .. 1 GiB in powers of 4 (quick: 1 KiB .. 64 MiB in powers of 16).
COLLECTIVE_BYTES = [1024 * 4**i for i in range(11)]
COLLECTIVE_BYTES_QUICK = [1024 * 16**i for i in range(5)]
COLLECTIVE_OPS = ("all_reduce", "all_gather", "reduce_scatter", "all_to_all")

# hidden:layers:heads:kv_heads:ffn:seq:micro_batch; each fits an 80 GB GPU with AdamW in fp32.
MINI_DEFAULTS = [
    "2048:4:16:8:8192:4096:4",  # Llama-3.2-1B-like layers
    "4096:4:32:8:14336:4096:2",  # Llama-3-8B-like layers
    "8192:2:64:8:28672:4096:1",  # Llama-3-70B-like layers
]
MINI_DEFAULTS_QUICK = MINI_DEFAULTS[:1]
MINI_FIELDS = ("hidden", "layers", "heads", "kv_heads", "ffn", "seq", "micro_batch")


# ----------------------------------------------------------------------------------------------
# Arguments (no torch needed)


def parse_mini(text: str) -> dict:
    parts = text.split(":")
    if len(parts) != len(MINI_FIELDS):
        raise argparse.ArgumentTypeError(
            f"--mini {text!r}: expected {':'.join(MINI_FIELDS)} ({len(MINI_FIELDS)} integers)"
        )
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--mini {text!r}: every field must be an integer") from None
    spec = dict(zip(MINI_FIELDS, values))
    if any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"--mini {text!r}: every field must be positive")
    if spec["hidden"] % spec["heads"]:
        raise argparse.ArgumentTypeError(f"--mini {text!r}: hidden must be a multiple of heads")
    if spec["heads"] % spec["kv_heads"]:
        raise argparse.ArgumentTypeError(f"--mini {text!r}: heads must be a multiple of kv_heads")
    head_dim = spec["hidden"] // spec["heads"]
    if head_dim % 2 or head_dim > 256:
        raise argparse.ArgumentTypeError(
            f"--mini {text!r}: hidden/heads = {head_dim}; flash attention needs an even head width <= 256"
        )
    return spec


def parse_skip(text: str) -> set:
    skipped = set()
    for raw in text.split(","):
        name = raw.strip().lower().replace("-", "_")
        if not name:
            continue
        name = SECTION_ALIASES.get(name, name)
        if name not in SECTIONS:
            raise argparse.ArgumentTypeError(
                f"--skip: unknown section {raw.strip()!r} (sections: {', '.join(SECTIONS)})"
            )
        skipped.add(name)
    return skipped


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="measure.py",
        description=(
            "Measure GEMM, flash-attention, memory-bound and optimizer rates, collectives (under "
            "torchrun) and small Llama-style training runs on this machine's GPUs, and write one "
            "JSON file for `gigacluster calibrate`. Needs PyTorch >= 2.1 with CUDA."
        ),
        epilog=(
            "Sections (for --skip): gemm (bf16 and fp8 GEMMs), fp8 (fp8 GEMMs only), attention, "
            "copy (device-to-device copy), memory (RMSNorm/SwiGLU), adamw, collectives, mini. "
            "Examples: python measure.py --out my-h100.json; "
            "torchrun --nproc-per-node 8 measure.py --out my-node.json"
        ),
    )
    parser.add_argument(
        "--out", default="measurements.json", help="JSON file to write (default: %(default)s)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer sizes and repetitions: a smoke run of about a minute"
    )
    parser.add_argument(
        "--skip",
        type=parse_skip,
        default=set(),
        metavar="SECTIONS",
        help="comma-separated sections to leave out, e.g. --skip fp8,mini",
    )
    parser.add_argument(
        "--accelerator",
        default=None,
        metavar="NAME",
        help=(
            "gigacluster catalog accelerator to record (h100-sxm, h200, a100-sxm-80gb, b200, ...); "
            "default: guessed from the device name"
        ),
    )
    parser.add_argument(
        "--mini",
        type=parse_mini,
        action="append",
        default=None,
        metavar="H:L:HEADS:KV:FFN:SEQ:MB",
        help=(
            "a mini training run: hidden:layers:heads:kv_heads:ffn:seq:micro_batch (repeatable; "
            f"default: {' and '.join(MINI_DEFAULTS)}; --quick: {MINI_DEFAULTS_QUICK[0]})"
        ),
    )
    parser.add_argument(
        "--vocab", type=int, default=32000, help="vocabulary of the mini runs (default: %(default)s)"
    )
    parser.add_argument(
        "--mini-steps",
        type=int,
        default=None,
        metavar="N",
        help="timed steps of each mini run after 3 warm-ups (default: 10; --quick: 3)",
    )
    parser.add_argument(
        "--reps", type=int, default=None, help="timed runs per kernel case (default: 20; --quick: 5)"
    )
    parser.add_argument(
        "--warmup", type=int, default=None, help="warm-up runs per kernel case (default: 5; --quick: 2)"
    )
    return parser


def guess_accelerator(device_name: str):
    """The gigacluster catalog name of a device, from what torch.cuda.get_device_name says."""
    name = device_name.upper()
    if "GB300" in name:
        return "gb300"
    if "GB200" in name:
        return "gb200"
    if "B200" in name:
        return "b200"
    if "H200" in name:
        return "h200"
    if "H800" in name:
        return "h800"
    if "H100" in name:
        if "NVL" in name or "PCIE" in name:
            return "h100-pcie"
        if "HBM3" in name or "SXM" in name:
            return "h100-sxm"
        return None
    if "A100" in name and "80GB" in name and "PCIE" not in name:
        return "a100-sxm-80gb"
    if "MI300X" in name:
        return "mi300x"
    return None


# ----------------------------------------------------------------------------------------------
# Helpers


class Context:
    """What every section needs: torch, the run's settings, the distributed state and the log."""

    def __init__(self, torch, args):
        self.torch = torch
        self.args = args
        self.quick = args.quick
        self.reps = args.reps if args.reps else (5 if args.quick else 20)
        self.warmup = args.warmup if args.warmup is not None else (2 if args.quick else 5)
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(self.world)))
        self.nodes = max(1, self.world // max(1, self.local_world))
        self.dist = None
        self.device = None
        self.started = time.perf_counter()

    def log(self, message: str) -> None:
        if self.rank == 0:
            elapsed = time.perf_counter() - self.started
            print(f"[measure {elapsed:7.1f}s] {message}", file=sys.stderr, flush=True)

    def warn(self, message: str) -> None:
        prefix = f"[measure rank {self.rank}]" if self.world > 1 else "[measure]"
        print(f"{prefix} {message}", file=sys.stderr, flush=True)

    def barrier(self) -> None:
        if self.dist is not None:
            self.dist.barrier(device_ids=[self.local_rank])

    def free(self) -> None:
        gc.collect()
        self.torch.cuda.synchronize()
        self.torch.cuda.empty_cache()


def median_cuda_seconds(ctx: Context, fn, warmup=None, reps=None) -> float:
    """Median over `reps` calls of fn, each between two CUDA events, after `warmup` calls."""
    torch = ctx.torch
    warmup = ctx.warmup if warmup is None else warmup
    reps = ctx.reps if reps is None else reps
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for start, end in zip(starts, ends):
        start.record()
        fn()
        end.record()
    torch.cuda.synchronize()
    return statistics.median(s.elapsed_time(e) for s, e in zip(starts, ends)) / 1e3


def rate(amount: float, seconds: float, scale: float, digits: int = 1):
    if seconds <= 0 or not math.isfinite(seconds):
        return None
    return round(amount / seconds / scale, digits)


def free_bytes(ctx: Context) -> int:
    free, _total = ctx.torch.cuda.mem_get_info()
    return free


def is_oom(ctx: Context, error: BaseException) -> bool:
    oom_type = getattr(ctx.torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


# ----------------------------------------------------------------------------------------------
# Kernels on one GPU


def measure_copy(ctx: Context) -> dict | None:
    torch = ctx.torch
    buffer_bytes = (1 if ctx.quick else 4) * GIB
    if 2 * buffer_bytes * 1.05 > free_bytes(ctx):
        buffer_bytes = GIB
    src = torch.empty(buffer_bytes // 4, dtype=torch.float32, device=ctx.device).normal_()
    dst = torch.empty_like(src)
    seconds = median_cuda_seconds(ctx, lambda: dst.copy_(src), warmup=3, reps=10)
    moved = 2 * buffer_bytes
    result = {"bytes_read_plus_written": moved, "GBps": rate(moved, seconds, 1e9)}
    ctx.log(f"device-to-device copy {buffer_bytes // GIB} GiB: {result['GBps']} GB/s")
    src = dst = None
    return result


def measure_bf16_gemms(ctx: Context) -> list:
    torch = ctx.torch
    results = []
    for m, k, n in GEMM_SHAPES_QUICK if ctx.quick else GEMM_SHAPES:
        try:
            a = torch.randn(m, k, device=ctx.device, dtype=torch.bfloat16)
            b = torch.randn(k, n, device=ctx.device, dtype=torch.bfloat16)
            c = torch.empty(m, n, device=ctx.device, dtype=torch.bfloat16)
            seconds = median_cuda_seconds(ctx, lambda: torch.mm(a, b, out=c))
        except Exception as error:  # noqa: BLE001 - one shape failing leaves the others
            if not is_oom(ctx, error):
                raise
            ctx.warn(f"bf16 GEMM {m}x{k}x{n}: out of memory, skipped")
            continue
        finally:
            a = b = c = None
        tflops = rate(2 * m * k * n, seconds, 1e12)
        results.append({"m": m, "k": k, "n": n, "seconds_median": seconds, "tflops": tflops})
        ctx.log(f"bf16 GEMM {m}x{k}x{n}: {tflops} TFLOP/s")
    return results


def scaled_mm(torch, a, b, scale_a, scale_b):
    # torch 2.1-2.3 return (out, amax); later versions the output alone. Keywords work in both.
    out = torch._scaled_mm(a, b, scale_a=scale_a, scale_b=scale_b, out_dtype=torch.bfloat16)
    return out[0] if isinstance(out, tuple) else out


def fp8_unsupported_reason(ctx: Context):
    torch = ctx.torch
    if not hasattr(torch, "_scaled_mm") or not hasattr(torch, "float8_e4m3fn"):
        return f"torch {torch.__version__} has no float8 / torch._scaled_mm"
    if torch.version.hip is None and torch.cuda.get_device_capability(ctx.device) < (8, 9):
        major, minor = torch.cuda.get_device_capability(ctx.device)
        return f"compute capability {major}.{minor} has no fp8 tensor cores (needs 8.9+)"
    return None


def fp8_dtype(torch):
    # ROCm's MI300 uses the "fnuz" variant of e4m3.
    if torch.version.hip is not None and hasattr(torch, "float8_e4m3fnuz"):
        return torch.float8_e4m3fnuz
    return torch.float8_e4m3fn


def measure_fp8_gemms(ctx: Context) -> tuple:
    torch = ctx.torch
    method = (
        f"torch._scaled_mm with tensor-wise scales, bf16 output, use_fast_accum=False; median of "
        f"{ctx.reps} after {ctx.warmup} warm-ups"
    )
    reason = fp8_unsupported_reason(ctx)
    if reason is None:
        try:
            dtype = fp8_dtype(torch)
            one = torch.ones((), device=ctx.device, dtype=torch.float32)
            probe_a = torch.randn(256, 256, device=ctx.device).to(dtype)
            probe_b = torch.randn(256, 256, device=ctx.device).to(dtype).t()
            scaled_mm(torch, probe_a, probe_b, one, one)
            torch.cuda.synchronize()
        except Exception as error:  # noqa: BLE001 - any failure means no fp8 here
            reason = f"torch._scaled_mm failed: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
    if reason is not None:
        ctx.log(f"fp8 GEMMs skipped: {reason}")
        return [], f"skipped: {reason}"
    results = []
    for m, k, n in GEMM_SHAPES_QUICK if ctx.quick else GEMM_SHAPES:
        try:
            a = torch.randn(m, k, device=ctx.device, dtype=torch.bfloat16).to(dtype)
            # The second operand must be column-major: an (n, k) row-major matrix, transposed.
            b = torch.randn(n, k, device=ctx.device, dtype=torch.bfloat16).to(dtype).t()
            scale_a = torch.ones((), device=ctx.device, dtype=torch.float32)
            scale_b = torch.ones((), device=ctx.device, dtype=torch.float32)
            seconds = median_cuda_seconds(ctx, lambda: scaled_mm(torch, a, b, scale_a, scale_b))
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            ctx.warn(f"fp8 GEMM {m}x{k}x{n}: out of memory, skipped")
            continue
        finally:
            a = b = None
        tflops = rate(2 * m * k * n, seconds, 1e12)
        results.append({"m": m, "k": k, "n": n, "seconds_median": seconds, "tflops": tflops})
        ctx.log(f"fp8 e4m3 GEMM {m}x{k}x{n}: {tflops} TFLOP/s")
    return results, method


def flash_only(torch):
    """A context that allows only the flash SDPA backend, or None where torch cannot say so."""
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel  # torch >= 2.3

        return sdpa_kernel(SDPBackend.FLASH_ATTENTION)
    except ImportError:
        pass
    try:
        return torch.backends.cuda.sdp_kernel(
            enable_flash=True, enable_math=False, enable_mem_efficient=False
        )
    except Exception:  # noqa: BLE001
        return None


def time_attention(ctx: Context, batch: int, heads: int, seq: int) -> tuple:
    torch = ctx.torch
    sdpa = torch.nn.functional.scaled_dot_product_attention
    shape = (batch, heads, seq, HEAD_DIM)
    q, k, v = (
        torch.randn(shape, device=ctx.device, dtype=torch.bfloat16, requires_grad=True) for _ in range(3)
    )
    grad = torch.randn(shape, device=ctx.device, dtype=torch.bfloat16)

    def forward():
        with torch.no_grad():
            sdpa(q, k, v, is_causal=True)

    def forward_backward():
        out = sdpa(q, k, v, is_causal=True)
        torch.autograd.grad(out, (q, k, v), grad)

    return median_cuda_seconds(ctx, forward), median_cuda_seconds(ctx, forward_backward)


def measure_attention(ctx: Context) -> list:
    torch = ctx.torch
    results = []
    for batch, heads, seq in ATTENTION_CASES_QUICK if ctx.quick else ATTENTION_CASES:
        backend = "flash"
        try:
            try:
                context = flash_only(torch)
                if context is None:
                    backend = "default"
                    context = contextlib.nullcontext()
                with context:
                    fwd_s, fwd_bwd_s = time_attention(ctx, batch, heads, seq)
            except RuntimeError as error:
                if is_oom(ctx, error):
                    raise
                # No flash kernel for this build or GPU: let SDPA choose.
                backend = "default"
                ctx.free()
                fwd_s, fwd_bwd_s = time_attention(ctx, batch, heads, seq)
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            ctx.warn(f"attention b{batch} h{heads} s{seq}: out of memory, skipped")
            ctx.free()
            continue
        flops = 4 * batch * heads * seq * seq * HEAD_DIM / 2
        entry = {
            "batch": batch,
            "heads": heads,
            "seq": seq,
            "head_dim": HEAD_DIM,
            "causal": True,
            "fwd_s": fwd_s,
            "fwd_bwd_s": fwd_bwd_s,
            "fwd_tflops_causal": rate(flops, fwd_s, 1e12, 3),
            "fwd_bwd_tflops_causal": rate(3.5 * flops, fwd_bwd_s, 1e12, 3),
            "note": ATTENTION_NOTE,
            "backend": backend,
        }
        results.append(entry)
        ctx.log(
            f"causal attention b{batch} h{heads} s{seq} ({backend}): fwd {entry['fwd_tflops_causal']} "
            f"TFLOP/s, fwd+bwd {entry['fwd_bwd_tflops_causal']} TFLOP/s"
        )
        ctx.free()
    return results


def rmsnorm(torch, x, weight, eps=1e-5):
    xf = x.float()
    normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return normed.to(x.dtype) * weight


def swiglu(torch, gate, up):
    return torch.nn.functional.silu(gate) * up


def measure_memory_ops(ctx: Context) -> list:
    torch = ctx.torch
    results = []
    for tokens, hidden, ffn in MEMORY_CASES_QUICK if ctx.quick else MEMORY_CASES:
        try:
            x = torch.randn(tokens, hidden, device=ctx.device, dtype=torch.bfloat16, requires_grad=True)
            w = torch.ones(hidden, device=ctx.device, dtype=torch.bfloat16, requires_grad=True)
            dy = torch.randn(tokens, hidden, device=ctx.device, dtype=torch.bfloat16)

            def rms_step():
                torch.autograd.grad(rmsnorm(torch, x, w), (x, w), dy)

            seconds = median_cuda_seconds(ctx, rms_step)
            x = w = dy = None
            min_bytes = 4 * tokens * hidden * 2
            entry = {
                "tokens": tokens,
                "hidden": hidden,
                "s_median": seconds,
                "min_bytes": min_bytes,
                "GBps_at_min_bytes": rate(min_bytes, seconds, 1e9, 3),
                "op": "rmsnorm_fwd_bwd",
            }
            results.append(entry)
            ctx.log(f"rmsnorm fwd+bwd {tokens}x{hidden}: {entry['GBps_at_min_bytes']} GB/s")
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            ctx.warn(f"rmsnorm {tokens}x{hidden}: out of memory, skipped")
        x = w = dy = None
        ctx.free()
        try:
            gate = torch.randn(tokens, ffn, device=ctx.device, dtype=torch.bfloat16, requires_grad=True)
            up = torch.randn(tokens, ffn, device=ctx.device, dtype=torch.bfloat16, requires_grad=True)
            dout = torch.randn(tokens, ffn, device=ctx.device, dtype=torch.bfloat16)

            def swiglu_step():
                torch.autograd.grad(swiglu(torch, gate, up), (gate, up), dout)

            seconds = median_cuda_seconds(ctx, swiglu_step)
            min_bytes = 5 * tokens * ffn * 2
            entry = {
                "tokens": tokens,
                "ffn": ffn,
                "s_median": seconds,
                "min_bytes": min_bytes,
                "GBps_at_min_bytes": rate(min_bytes, seconds, 1e9, 3),
                "op": "swiglu_fwd_bwd",
            }
            results.append(entry)
            ctx.log(f"swiglu fwd+bwd {tokens}x{ffn}: {entry['GBps_at_min_bytes']} GB/s")
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            ctx.warn(f"swiglu {tokens}x{ffn}: out of memory, skipped")
        gate = up = dout = None
        ctx.free()
    return results


def measure_adamw(ctx: Context, skipped: list) -> list:
    torch = ctx.torch
    results = []
    chunk = 1 << 26  # parameters per tensor, like the weight matrices of a large model
    for count in ADAMW_SIZES_QUICK if ctx.quick else ADAMW_SIZES:
        need = 16 * count  # p, g, m, v in fp32
        if need * 1.1 > free_bytes(ctx):
            message = (
                f"adamw {count:,} params: needs {need / 1e9:.1f} GB, "
                f"{free_bytes(ctx) / 1e9:.1f} GB free; skipped"
            )
            ctx.warn(message)
            skipped.append(message)
            continue
        params = []
        try:
            left = count
            while left > 0:
                size = min(chunk, left)
                p = torch.nn.Parameter(torch.randn(size, device=ctx.device, dtype=torch.float32))
                p.grad = torch.randn(size, device=ctx.device, dtype=torch.float32).mul_(1e-3)
                params.append(p)
                left -= size
            optimizer = torch.optim.AdamW(params, lr=1e-6, weight_decay=0.1, fused=True)
            seconds = median_cuda_seconds(ctx, optimizer.step)
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            message = f"adamw {count:,} params: out of memory, skipped"
            ctx.warn(message)
            skipped.append(message)
            continue
        finally:
            params = optimizer = p = None
            ctx.free()
        bytes_min = 28 * count
        entry = {
            "params": count,
            "dtype": "fp32",
            "s_median": seconds,
            "bytes_min": bytes_min,
            "GBps_at_min_bytes": rate(bytes_min, seconds, 1e9, 3),
            "note": ADAMW_NOTE,
        }
        results.append(entry)
        ctx.log(f"fused AdamW {count:,} fp32 params: {entry['GBps_at_min_bytes']} GB/s")
    return results


# ----------------------------------------------------------------------------------------------
# Collectives (torchrun, world size > 1)


def measure_collectives(ctx: Context) -> list:
    torch, dist = ctx.torch, ctx.dist
    ranks = ctx.world
    element = 2  # bf16
    results = []
    for op in COLLECTIVE_OPS:
        for target in COLLECTIVE_BYTES_QUICK if ctx.quick else COLLECTIVE_BYTES:
            # Round up to a whole number of elements per rank.
            count = max(1, math.ceil(target / element / ranks)) * ranks
            nbytes = count * element
            if 3 * nbytes * 1.1 > free_bytes(ctx):
                ctx.warn(f"{op} {nbytes} bytes: too large for free memory, skipped")
                continue
            kwargs = {"device": ctx.device, "dtype": torch.bfloat16}
            if op == "all_reduce":
                buf = torch.zeros(count, **kwargs)
                fn, factor = (lambda: dist.all_reduce(buf)), 2 * (ranks - 1) / ranks
            elif op == "all_gather":
                out, inp = torch.zeros(count, **kwargs), torch.zeros(count // ranks, **kwargs)
                fn, factor = (lambda: dist.all_gather_into_tensor(out, inp)), (ranks - 1) / ranks
            elif op == "reduce_scatter":
                out, inp = torch.zeros(count // ranks, **kwargs), torch.zeros(count, **kwargs)
                fn, factor = (lambda: dist.reduce_scatter_tensor(out, inp)), (ranks - 1) / ranks
            else:
                out, inp = torch.zeros(count, **kwargs), torch.zeros(count, **kwargs)
                fn, factor = (lambda: dist.all_to_all_single(out, inp)), (ranks - 1) / ranks
            ctx.barrier()
            local = median_cuda_seconds(ctx, fn)
            # The slowest rank's median: a collective is done when every rank is.
            slowest = torch.tensor([local], device=ctx.device, dtype=torch.float64)
            dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
            seconds = float(slowest.item())
            buf = out = inp = fn = None
            algbw = nbytes / seconds if seconds > 0 else None
            entry = {
                "op": op,
                "bytes": nbytes,
                "ranks": ranks,
                "nodes": ctx.nodes,
                "seconds_median": seconds,
                "bus_GBps": round(algbw * factor / 1e9, 3) if algbw else None,
                "alg_GBps": round(algbw / 1e9, 3) if algbw else None,
                "dtype": "bf16",
            }
            results.append(entry)
            ctx.log(
                f"{op} {nbytes:>11,} B x {ranks} ranks / {ctx.nodes} nodes: {seconds * 1e6:10.1f} us, "
                f"bus {entry['bus_GBps']} GB/s"
            )
        ctx.free()
    return results


# ----------------------------------------------------------------------------------------------
# Mini training runs


def build_mini_model(torch, spec: dict, vocab: int):
    nn = torch.nn
    F = torch.nn.functional
    hidden, heads, kv_heads = spec["hidden"], spec["heads"], spec["kv_heads"]
    head_dim = hidden // heads

    class RMSNorm(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(width))

        def forward(self, x):
            return rmsnorm(torch, x, self.weight)

    def rotate(x, cos, sin):
        first, second = x.chunk(2, dim=-1)
        return x * cos + torch.cat((-second, first), dim=-1) * sin

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn_norm = RMSNorm(hidden)
            self.wq = nn.Linear(hidden, heads * head_dim, bias=False)
            self.wk = nn.Linear(hidden, kv_heads * head_dim, bias=False)
            self.wv = nn.Linear(hidden, kv_heads * head_dim, bias=False)
            self.wo = nn.Linear(heads * head_dim, hidden, bias=False)
            self.mlp_norm = RMSNorm(hidden)
            self.w_gate = nn.Linear(hidden, spec["ffn"], bias=False)
            self.w_up = nn.Linear(hidden, spec["ffn"], bias=False)
            self.w_down = nn.Linear(spec["ffn"], hidden, bias=False)

        def forward(self, x, cos, sin):
            batch, seq, _ = x.shape
            y = self.attn_norm(x)
            q = self.wq(y).view(batch, seq, heads, head_dim).transpose(1, 2)
            k = self.wk(y).view(batch, seq, kv_heads, head_dim).transpose(1, 2)
            v = self.wv(y).view(batch, seq, kv_heads, head_dim).transpose(1, 2)
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
            if kv_heads != heads:
                k = k.repeat_interleave(heads // kv_heads, dim=1)
                v = v.repeat_interleave(heads // kv_heads, dim=1)
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.wo(a.transpose(1, 2).reshape(batch, seq, heads * head_dim))
            y = self.mlp_norm(x)
            return x + self.w_down(F.silu(self.w_gate(y)) * self.w_up(y))

    class Mini(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, hidden)
            self.blocks = nn.ModuleList(Block() for _ in range(spec["layers"]))
            self.norm = RMSNorm(hidden)
            self.output = nn.Linear(hidden, vocab, bias=False)
            inv_freq = 1.0 / (500000.0 ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
            angles = torch.outer(torch.arange(spec["seq"], dtype=torch.float32), inv_freq)
            angles = torch.cat((angles, angles), dim=-1)
            # bf16 so that the rotated q and k stay bf16 and SDPA takes its flash kernel.
            self.register_buffer("cos", angles.cos().to(torch.bfloat16), persistent=False)
            self.register_buffer("sin", angles.sin().to(torch.bfloat16), persistent=False)
            for module in self.modules():
                if isinstance(module, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(module.weight, std=0.02)

        def forward(self, tokens):
            x = self.embed(tokens)
            for block in self.blocks:
                x = block(x, self.cos, self.sin)
            return self.output(self.norm(x))

    return Mini()


def run_mini(ctx: Context, spec: dict, vocab: int, steps: int) -> dict:
    torch = ctx.torch
    F = torch.nn.functional
    # Built on the GPU directly (torch.device as a context: torch >= 2.0); CPU init of billions of
    # weights would take longer than the run.
    with ctx.device:
        model = build_mini_model(torch, spec, vocab)
    model = model.to(ctx.device)
    params = sum(p.numel() for p in model.parameters())
    if ctx.dist is not None:
        model = torch.nn.parallel.DistributedDataParallel(
            model,
            device_ids=[ctx.local_rank],
            broadcast_buffers=False,
            gradient_as_bucket_view=True,
        )
    try:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1, fused=True)
    except (RuntimeError, TypeError):
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
    generator = torch.Generator(device=ctx.device)
    generator.manual_seed(1234 + ctx.rank)
    data = torch.randint(
        vocab, (spec["micro_batch"], spec["seq"] + 1), device=ctx.device, generator=generator
    )
    inputs, targets = data[:, :-1], data[:, 1:]

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
            logits = model(inputs)
        loss = F.cross_entropy(logits.float().view(-1, vocab), targets.reshape(-1))
        loss.backward()
        optimizer.step()
        return loss

    warmup = 2 if ctx.quick else 3
    times = []
    for i in range(warmup + steps):
        torch.cuda.synchronize()
        start = time.perf_counter()
        loss = step()
        torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    final_loss = float(loss.item())
    return {
        "step_seconds": statistics.median(times),
        "step_seconds_all": times,
        "params": params,
        "loss": final_loss,
    }


def mini_name(spec: dict) -> str:
    return f"mini-h{spec['hidden']}-l{spec['layers']}"


def measure_mini(ctx: Context, accelerator) -> list:
    torch = ctx.torch
    specs = ctx.args.mini or [parse_mini(m) for m in (MINI_DEFAULTS_QUICK if ctx.quick else MINI_DEFAULTS)]
    steps = ctx.args.mini_steps if ctx.args.mini_steps else (3 if ctx.quick else 10)
    vocab = ctx.args.vocab
    names = [mini_name(s) for s in specs]
    results = []
    for index, spec in enumerate(specs):
        name = names[index]
        if names.count(name) > 1:
            name = f"{name}-s{spec['seq']}-b{spec['micro_batch']}-i{index}"
        ctx.free()
        torch.cuda.reset_peak_memory_stats(ctx.device)
        oom = False
        outcome = None
        try:
            outcome = run_mini(ctx, spec, vocab, steps)
        except Exception as error:  # noqa: BLE001
            if not is_oom(ctx, error):
                raise
            oom = True
        # Out of the except block: the traceback and the tensors it held are gone.
        ctx.free()
        peak_allocated = torch.cuda.max_memory_allocated(ctx.device)
        peak_reserved = torch.cuda.max_memory_reserved(ctx.device)
        if ctx.dist is not None:
            # Every rank must agree: any rank out of memory makes the run out of memory.
            agreed = torch.tensor(
                [
                    1.0 if oom else 0.0,
                    outcome["step_seconds"] if outcome else 0.0,
                    float(peak_allocated),
                    float(peak_reserved),
                ],
                device=ctx.device,
                dtype=torch.float64,
            )
            ctx.dist.all_reduce(agreed, op=ctx.dist.ReduceOp.MAX)
            oom = agreed[0].item() > 0
            if outcome:
                outcome["step_seconds"] = agreed[1].item()
            peak_allocated, peak_reserved = int(agreed[2].item()), int(agreed[3].item())
        scenario = {
            "name": f"{name} x{ctx.world} {accelerator or 'gpu'}",
            "model": {
                "name": name,
                "hidden": spec["hidden"],
                "layers": spec["layers"],
                "heads": spec["heads"],
                "kvHeads": spec["kv_heads"],
                "ffnHidden": spec["ffn"],
                "gated": True,
                "vocab": vocab,
                "tiedEmbeddings": False,
                "dropout": False,
            },
            "training": {
                "sequenceLength": spec["seq"],
                "globalBatchSequences": spec["micro_batch"] * ctx.world,
                "precision": "bf16",
                "recipe": "pytorch-amp",
            },
            "cluster": {"gpus": ctx.world, "stack": "pytorch-eager"},
            "layout": {
                "tp": 1,
                "pp": 1,
                "cp": 1,
                "dp": ctx.world,
                "ep": 1,
                "microBatch": spec["micro_batch"],
                "zero": 0,
                "recompute": "none",
            },
        }
        if accelerator:
            scenario["cluster"] = {"accelerator": accelerator, **scenario["cluster"]}
        if oom or outcome is None:
            results.append({"scenario": scenario, "measured": {"oom": True}})
            ctx.log(f"mini run {name}: out of memory")
            continue
        results.append(
            {
                "scenario": scenario,
                "measured": {
                    "stepSeconds": outcome["step_seconds"],
                    "peakMemoryGiB": round(peak_reserved / GIB, 3),
                    "oom": False,
                },
                "detail": {
                    "params": outcome["params"],
                    "steps_timed": len(outcome["step_seconds_all"]),
                    "step_seconds_rank0": outcome["step_seconds_all"],
                    "max_memory_allocated_bytes": peak_allocated,
                    "max_memory_reserved_bytes": peak_reserved,
                    "tokens_per_second_per_gpu": round(
                        spec["micro_batch"] * spec["seq"] / outcome["step_seconds"], 1
                    ),
                    "final_loss": round(outcome["loss"], 4),
                    "ddp": ctx.dist is not None,
                },
            }
        )
        ctx.log(
            f"mini run {name} (seq {spec['seq']}, micro-batch {spec['micro_batch']}, "
            f"{outcome['params'] / 1e9:.2f} B params): {outcome['step_seconds'] * 1e3:.1f} ms/step, "
            f"peak {peak_reserved / GIB:.1f} GiB reserved"
        )
    return results


# ----------------------------------------------------------------------------------------------
# Output


def finite(value):
    """JSON has no NaN or infinity: those become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def write_json(ctx: Context, path: str, document: dict) -> None:
    if ctx.rank != 0:
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.tmp{os.getpid()}"
    if document.get("device_to_device_copy") is None:
        document = {k: v for k, v in document.items() if k != "device_to_device_copy"}
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(finite(document), handle, indent=2, allow_nan=False)
        handle.write("\n")
    os.replace(temporary, path)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    for flag, value, least in (
        ("--vocab", args.vocab, 1),
        ("--reps", args.reps, 1),
        ("--warmup", args.warmup, 0),
        ("--mini-steps", args.mini_steps, 1),
    ):
        if value is not None and value < least:
            print(f"measure.py: {flag} must be at least {least}", file=sys.stderr)
            return 2

    try:
        import torch
    except ImportError as error:
        print(f"measure.py needs PyTorch with CUDA (import torch failed: {error})", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print(
            f"measure.py needs PyTorch with CUDA (torch {torch.__version__} found, but no CUDA device)",
            file=sys.stderr,
        )
        return 2
    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2] if p.isdigit())
    if version < (2, 1):
        print(f"measure.py: torch {torch.__version__} is older than 2.1; results may be missing", file=sys.stderr)

    ctx = Context(torch, args)
    torch.cuda.set_device(ctx.local_rank)
    ctx.device = torch.device("cuda", ctx.local_rank)
    if ctx.world > 1:
        import torch.distributed as dist

        dist.init_process_group("nccl", timeout=datetime.timedelta(minutes=30))
        ctx.dist = dist
        ctx.rank, ctx.world = dist.get_rank(), dist.get_world_size()
        ctx.nodes = max(1, ctx.world // max(1, ctx.local_world))

    props = torch.cuda.get_device_properties(ctx.device)
    device_name = torch.cuda.get_device_name(ctx.device)
    accelerator = args.accelerator or guess_accelerator(device_name)
    if accelerator is None:
        ctx.log(
            f"could not tell the catalog accelerator of {device_name!r}: pass --accelerator NAME "
            "(h100-sxm, h200, a100-sxm-80gb, b200, ...) so the mini runs can be calibrated"
        )
    cuda = torch.version.cuda or (f"hip {torch.version.hip}" if torch.version.hip else None)
    today = datetime.date.today().isoformat()
    skip = args.skip
    reps, warmup = ctx.reps, ctx.warmup

    document = {
        "format": FORMAT,
        "accelerator": accelerator,
        "what": (
            f"Measured ceilings, kernel rates{', collectives' if ctx.world > 1 else ''} and mini "
            f"training runs of {device_name} ({ctx.world} GPU{'s' if ctx.world > 1 else ''} on "
            f"{ctx.nodes} node{'s' if ctx.nodes > 1 else ''}), PyTorch {torch.__version__} + CUDA "
            f"{cuda}, as found, {today}; tools/measure/measure.py{' --quick' if args.quick else ''}. "
            "Calibration data for gigacluster calibrate."
        ),
        "date": today,
        "torch": torch.__version__,
        "cuda": cuda,
        "ranks": ctx.world,
        "nodes": ctx.nodes,
        "quick": bool(args.quick),
        "device": device_name,
        "total_memory_bytes": props.total_memory,
        "sms": props.multi_processor_count,
        "device_to_device_copy": None,  # left out of the file when not measured
        "bf16_gemm": [],
        "method": (
            f"median of {reps} timed runs after {warmup} warm-ups, CUDA events, random normal inputs; "
            f"copy: {1 if args.quick else 4} GiB fp32 buffer, median of 10"
        ),
        "fp8_e4m3_gemm": [],
        "fp8_method": "not measured",
        "flash_attention_causal_bf16": [],
        "memory_bound_ops_bf16": [],
        "memory_bound_note": MEMORY_NOTE,
        "adamw_fused_fp32": [],
        "collectives": [],
        "collectives_method": (
            "bf16 buffers; per rank the median of "
            f"{reps} back-to-back calls after {warmup} warm-ups (CUDA events), the slowest rank's "
            "median kept; bus_GBps = bytes/s x 2(n-1)/n for all_reduce, x (n-1)/n for all_gather, "
            "reduce_scatter and all_to_all (nccl-tests); bytes: the all_reduce buffer, the gathered "
            "all_gather output, the reduce_scatter input, the all_to_all send buffer"
        ),
        "mini_runs": [],
        "mini_method": (
            "Llama-style decoder layers (RMSNorm, rotary, GQA attention via SDPA, SwiGLU) with "
            "embedding, output layer and cross-entropy; fp32 weights, bf16 autocast, fused AdamW"
            f"{', DDP' if ctx.world > 1 else ''}; median wall-clock step (synchronized) after warm-up; "
            "peakMemoryGiB = torch.cuda.max_memory_reserved"
        ),
        "skipped": [],
        "errors": [],
    }

    def section(name: str, run) -> None:
        """Runs one section; a failure is recorded and the others still run."""
        if name in skip:
            document["skipped"].append(f"{name}: --skip")
            ctx.log(f"{name}: skipped (--skip)")
            return
        ctx.log(f"{name} ...")
        try:
            run()
        except Exception as error:  # noqa: BLE001 - keep what the other sections measure
            message = f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"
            ctx.warn(f"section failed: {message}")
            document["errors"].append(message)
        ctx.free()
        ctx.barrier()
        write_json(ctx, args.out, document)

    def copy():
        document["device_to_device_copy"] = measure_copy(ctx)

    def gemm():
        document["bf16_gemm"] = measure_bf16_gemms(ctx)

    def fp8():
        document["fp8_e4m3_gemm"], document["fp8_method"] = measure_fp8_gemms(ctx)

    def attention():
        document["flash_attention_causal_bf16"] = measure_attention(ctx)

    def memory():
        document["memory_bound_ops_bf16"] = measure_memory_ops(ctx)

    def adamw():
        document["adamw_fused_fp32"] = measure_adamw(ctx, document["skipped"])

    def collectives():
        document["collectives"] = measure_collectives(ctx)

    def mini():
        document["mini_runs"] = measure_mini(ctx, accelerator)

    ctx.log(
        f"{device_name}: {props.total_memory / GIB:.1f} GiB, {props.multi_processor_count} SMs; "
        f"accelerator {accelerator}; torch {torch.__version__}, CUDA {cuda}; "
        f"{ctx.world} rank(s) on {ctx.nodes} node(s){'; quick' if args.quick else ''}"
    )
    section("copy", copy)
    section("gemm", gemm)
    if "gemm" in skip and "fp8" not in skip:
        skip = skip | {"fp8"}
    section("fp8", fp8)
    section("attention", attention)
    section("memory", memory)
    section("adamw", adamw)
    if ctx.world > 1:
        section("collectives", collectives)
    else:
        document["skipped"].append("collectives: one rank (run under torchrun with more than one GPU)")
    section("mini", mini)

    write_json(ctx, args.out, document)
    ctx.log(f"wrote {args.out}" + (f" ({len(document['errors'])} section error(s))" if document["errors"] else ""))
    if ctx.dist is not None:
        ctx.barrier()
        ctx.dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
