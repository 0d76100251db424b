"""Summaries the benchmarks share."""

from __future__ import annotations

import statistics


def percentiles(samples: list[float], scale: float = 1.0) -> dict:
    """Count, p50, p95, p99 (linear interpolation), mean and max of ``samples``, each times
    ``scale`` (1000 turns seconds into milliseconds)."""
    samples = sorted(samples)

    def pct(p):
        k = (len(samples) - 1) * p
        lo, hi = int(k), min(int(k) + 1, len(samples) - 1)
        return samples[lo] + (samples[hi] - samples[lo]) * (k - lo)

    return {
        "n": len(samples),
        "p50": pct(0.50) * scale,
        "p95": pct(0.95) * scale,
        "p99": pct(0.99) * scale,
        "mean": statistics.fmean(samples) * scale,
        "max": samples[-1] * scale,
    }
