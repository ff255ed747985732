"""The benchmark's figures as a table, a JSON file and a plot."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.unseen.evaluate import METHODS, SETS

COLUMNS = ("R@1", "R@3", "R@5", "MRR", "all@5")
TITLES = {"mined": "problems mined from code that calls the library",
          "user": "problems in users' own words (short files, a comment)",
          "given": "given problem sets (each pooled over its own library)"}


def print_report(report: dict) -> None:
    for set_name in SETS:
        rows = {n: row[set_name] for n, row in report["libraries"].items() if set_name in row}
        if not rows:
            continue
        print(f"\n{TITLES[set_name]}:")
        print(
            f"{'library':<22}{'split':<6}{'n':>5}{'APIs':>6}  "
            + "  ".join(f"{m + ' ' + c:>13}" for m in METHODS for c in ("R@1", "R@5"))
        )
        for name, row in rows.items():
            cells = "  ".join(f"{row[m]['R@1']:>13.3f}  {row[m]['R@5']:>13.3f}" for m in METHODS)
            print(
                f"{name:<22}{report['libraries'][name]['split']:<6}{row['problems']:>5}"
                f"{report['libraries'][name]['apis']:>6}  {cells}"
            )
        _print_pooled(report["pooled"][set_name], report["split"])
        losing = [n for n, row in rows.items() if row["apiary"]["R@5"] <= max(row["bm25"]["R@5"], row["minilm"]["R@5"])]
        if losing:
            print(f"R@5 not above both baselines: {', '.join(losing)}")


def _print_pooled(pooled: dict, split: str) -> None:
    print(f"pooled over {pooled['problems']} problems of {pooled['libraries']} libraries ({split}):")
    print(f"{'':<10}" + "".join(f"{c:>8}" for c in COLUMNS))
    for method in METHODS:
        print(f"{method:<10}" + "".join(f"{pooled[method][c]:8.3f}" for c in COLUMNS))
    if "latency_ms" in pooled:
        print(f"Apiary query latency (warm, encoding included): p50 {pooled['latency_ms']['p50']} ms, "
              f"p95 {pooled['latency_ms']['p95']} ms")


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
    panels = [(s, c) for s in SETS for c in ("R@1", "R@5") if any(s in row for row in report["libraries"].values())]
    names = list(report["libraries"])
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(max(8, 0.32 * len(names) + 2), 3.2 * len(panels)), sharex=True, squeeze=False
    )
    width = 0.27
    for ax, (set_name, column) in zip(axes[:, 0], panels, strict=True):
        for offset, method in enumerate(METHODS):
            values = [report["libraries"][n].get(set_name, {}).get(method, {}).get(column, 0.0) for n in names]
            ax.bar([i + (offset - 1) * width for i in range(len(names))], values, width, label=method)
        pooled = report["pooled"][set_name]["apiary"][column]
        ax.axhline(pooled, color="black", linewidth=0.8, linestyle="--", label=f"apiary pooled {pooled:.2f}")
        ax.set_ylabel(f"{column}, {set_name}")
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(ncol=4, fontsize=7, loc="upper right")
    axes[-1, 0].set_xticks(range(len(names)))
    axes[-1, 0].set_xticklabels(names, rotation=75, fontsize=7)
    axes[0, 0].set_title(f"API retrieval per library ({report['split']} split)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"plot written to {path}")
