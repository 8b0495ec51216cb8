"""Timing, percentiles and reporting shared by the benchmark suites."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """Return the ``p``-th percentile (0–100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_calls(fn: Callable[[int], Any], runs: int, warmup: int = 3) -> list[float]:
    """Call ``fn(i)`` ``runs`` times after ``warmup`` calls; return ms per call."""
    for i in range(warmup):
        fn(i)
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


@dataclass
class Measurement:
    """One measured operation and its raw baseline, in milliseconds."""

    name: str
    p50_ms: float
    p95_ms: float
    raw_p50_ms: float
    raw_p95_ms: float
    runs: int
    target_p95_ms: float | None = None
    target_ratio: float | None = None
    note: str = ""

    @property
    def ratio_p50(self) -> float:
        return self.p50_ms / self.raw_p50_ms if self.raw_p50_ms else float("inf")

    @property
    def ratio_p95(self) -> float:
        return self.p95_ms / self.raw_p95_ms if self.raw_p95_ms else float("inf")

    @property
    def meets_target(self) -> bool:
        ok = True
        if self.target_p95_ms is not None:
            ok = ok and self.p95_ms <= self.target_p95_ms
        if self.target_ratio is not None:
            ok = ok and self.ratio_p50 <= self.target_ratio
        return ok


def measure(
    name: str,
    operation: Callable[[int], Any],
    baseline: Callable[[int], Any],
    *,
    runs: int,
    target_p95_ms: float | None = None,
    target_ratio: float | None = None,
    note: str = "",
) -> Measurement:
    """Time ``operation`` and ``baseline`` alternately-free, same inputs ``i``."""
    samples = time_calls(operation, runs)
    raw = time_calls(baseline, runs)
    return Measurement(
        name=name,
        p50_ms=statistics.median(samples),
        p95_ms=percentile(samples, 95),
        raw_p50_ms=statistics.median(raw),
        raw_p95_ms=percentile(raw, 95),
        runs=runs,
        target_p95_ms=target_p95_ms,
        target_ratio=target_ratio,
        note=note,
    )


@dataclass
class Report:
    """A suite's results: its setting, measurements and free-form figures."""

    suite: str
    setting: dict[str, Any]
    measurements: list[Measurement] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def table(self) -> str:
        """Return the report as a fixed-width text table."""
        lines = [f"lexkeep bench {self.suite}"]
        lines += [f"  {k}: {v}" for k, v in self.setting.items()]
        lines.append("")
        header = (
            f"{'operation':<40} {'p50 ms':>8} {'p95 ms':>8} {'raw p50':>8} "
            f"{'raw p95':>8} {'ratio':>6}  target"
        )
        lines += [header, "-" * len(header)]
        for m in self.measurements:
            target = []
            if m.target_p95_ms is not None:
                target.append(f"p95≤{m.target_p95_ms:g}")
            if m.target_ratio is not None:
                target.append(f"ratio≤{m.target_ratio:g}")
            verdict = ("OK " if m.meets_target else "MISS ") + ",".join(target)
            lines.append(
                f"{m.name:<40} {m.p50_ms:>8.2f} {m.p95_ms:>8.2f} {m.raw_p50_ms:>8.2f} "
                f"{m.raw_p95_ms:>8.2f} {m.ratio_p50:>6.2f}  {verdict if target else ''}"
            )
        if self.figures:
            lines.append("")
            lines += [f"  {k}: {v}" for k, v in self.figures.items()]
        return "\n".join(lines)

    def save(self, directory: Path) -> Path:
        """Write the report as JSON into ``directory``; return its path."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.suite}.json"
        data = {
            "suite": self.suite,
            "setting": self.setting,
            "figures": self.figures,
            "measurements": [
                {
                    **asdict(m),
                    "ratio_p50": m.ratio_p50,
                    "ratio_p95": m.ratio_p95,
                    "meets_target": m.meets_target,
                }
                for m in self.measurements
            ],
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2))
        return path
