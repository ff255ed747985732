"""The benchmark's figures as a table, a JSON file and a plot."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.unseen.evaluate import METHODS

COLUMNS = ("R@1", "R@3", "R@5", "MRR", "all@5")


def print_report(report: dict) -> None:
    header = f"{'library':<22}{'split':<6}{'n':>5}{'APIs':>6}  " + "  ".join(
        f"{m + ' ' + c:>13}" for m in METHODS for c in ("R@1", "R@5")
    )
    print(header)
    for name, row in report["libraries"].items():
        cells = "  ".join(f"{row[m]['R@1']:>13.3f}  {row[m]['R@5']:>13.3f}" for m in METHODS)
        print(f"{name:<22}{row['split']:<6}{row['problems']:>5}{row['apis']:>6}  {cells}")
    pooled = report["pooled"]
    print(f"\npooled over {pooled['problems']} problems of {pooled['libraries']} libraries ({report['split']}):")
    print(f"{'':<10}" + "".join(f"{c:>8}" for c in COLUMNS))
    for method in METHODS:
        print(f"{method:<10}" + "".join(f"{pooled[method][c]:8.3f}" for c in COLUMNS))
    if "latency_ms" in pooled:
        print(f"Apiary query latency (warm, encoding included): p50 {pooled['latency_ms']['p50']} ms, "
              f"p95 {pooled['latency_ms']['p95']} ms")
    losing = [n for n, row in report["libraries"].items()
              if row["apiary"]["R@5"] <= max(row["bm25"]["R@5"], row["minilm"]["R@5"])]
    if losing:
        print(f"R@5 not above both baselines: {', '.join(losing)}")


def write_report(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1) + "\n")
    print(f"figures written to {path}")
    plot(report, path.with_suffix(".png"))


def plot(report: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no plot)")
        return
    names = list(report["libraries"])
    fig, axes = plt.subplots(2, 1, figsize=(max(8, 0.32 * len(names) + 2), 7), sharex=True)
    width = 0.27
    for ax, column in zip(axes, ("R@1", "R@5"), strict=True):
        for offset, method in enumerate(METHODS):
            values = [report["libraries"][n][method][column] for n in names]
            ax.bar([i + (offset - 1) * width for i in range(len(names))], values, width, label=method)
        pooled = report["pooled"]["apiary"][column]
        ax.axhline(pooled, color="black", linewidth=0.8, linestyle="--", label=f"apiary pooled {pooled:.2f}")
        ax.set_ylabel(column)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(ncol=4, fontsize=8, loc="upper right")
    axes[1].set_xticks(range(len(names)))
    axes[1].set_xticklabels(names, rotation=75, fontsize=7)
    axes[0].set_title(f"API retrieval per library ({report['split']} split, {report['pooled']['problems']} problems)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"plot written to {path}")
