"""Tables and a plot from the JSON results of fashion_mnist_batches.py.

    /usr/bin/python3 examples/plot_results.py docs/training-results.json \
        --table docs/training-table.md --plot docs/training-r1.png --plot docs/training-r1.svg

The table (markdown, also printed) has, per protocol and mode, the last epoch's R@1 and R@5 (mean
over seeds, and each seed's R@1), the mean mining time of a mined epoch, how hard the mined
batches were next to random batches of the same shape, and the mined batches' hardness in the
first, middle and last third of the order the walk built them in (all means over mined epochs);
then R@1 per epoch. The plot (one panel per protocol, R@1 per epoch per mode, mean over seeds with each seed's
range shaded) needs matplotlib (Debian: python3-matplotlib); without it only the table is written.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

MODE_ORDER = ("random", "lsh512", "lsh128", "exact")
TITLES = {"class": "class-level (supervised InfoNCE, P x K batches)",
          "instance": "instance-level cross-view (symmetric InfoNCE, Sample4Geo batches)"}


def grouped(record: dict[str, Any]) -> dict[str, dict[str, list[dict]]]:
    """protocol -> mode -> runs (each with its seed and epochs), modes in a fixed order."""
    out: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for run in record["runs"]:
        out[run["protocol"]].setdefault(run["mode"], []).append(run)
    for protocol, modes in out.items():
        out[protocol] = dict(sorted(modes.items(), key=lambda m: MODE_ORDER.index(m[0])
                                    if m[0] in MODE_ORDER else len(MODE_ORDER)))
    return out


def mean_of(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None and not np.isnan(v)]
    return float(np.mean(kept)) if kept else None


def fmt(value: float | None, scale: float = 1.0, digits: int = 2) -> str:
    return "–" if value is None else f"{scale * value:.{digits}f}"


def table(record: dict[str, Any]) -> str:
    lines = []
    for protocol, modes in grouped(record).items():
        seeds = sorted({r["seed"] for runs in modes.values() for r in runs})
        lines += [f"**{TITLES.get(protocol, protocol)}**, last epoch, mean over seeds {', '.join(map(str, seeds))}:", "",
                  "| batches | R@1 | R@5 | R@1 per seed | mining s / epoch | hardness mined / random "
                  "| mined hardness by third of the walk |",
                  "|---|---|---|---|---|---|---|"]
        for mode, runs in modes.items():
            last = [r["epochs"][-1] for r in runs]
            mined = [e for r in runs for e in r["epochs"] if e["mined"]]
            head = (f"| {mode} | {fmt(mean_of([e['r1'] for e in last]), 100)} "
                    f"| {fmt(mean_of([e['r5'] for e in last]), 100)} | {', '.join(fmt(e['r1'], 100) for e in last)} ")
            if not mined:
                lines.append(head + "| – | – | – |")
                continue
            thirds = [mean_of([e["hardness_thirds"][i] for e in mined if e.get("hardness_thirds")]) for i in range(3)]
            lines.append(head + f"| {fmt(mean_of([e['mine_s'] for e in mined]), 1, 1)} "
                         f"| {fmt(mean_of([e['hardness'] for e in mined]), 1, 3)} / "
                         f"{fmt(mean_of([e['hardness_random'] for e in mined]), 1, 3)} "
                         f"| {' / '.join(fmt(t, 1, 3) for t in thirds)} |")
        epochs = max(len(r["epochs"]) for runs in modes.values() for r in runs)
        lines += ["", f"R@1 per epoch ({protocol}, mean over seeds):", "",
                  "| batches | " + " | ".join(f"ep {i + 1}" for i in range(epochs)) + " |",
                  "|---|" + "---|" * epochs]
        for mode, runs in modes.items():
            cells = [fmt(mean_of([r["epochs"][i]["r1"] for r in runs if len(r["epochs"]) > i]), 100)
                     for i in range(epochs)]
            lines.append(f"| {mode} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def plot(record: dict[str, Any], paths: list[Path]) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (apt-get install python3-matplotlib): no plot written")
        return False
    groups = grouped(record)
    fig, axes = plt.subplots(1, len(groups), figsize=(6.2 * len(groups), 4.2), squeeze=False)
    for ax, (protocol, modes) in zip(axes[0], groups.items()):
        for mode, runs in modes.items():
            n = min(len(r["epochs"]) for r in runs)
            r1 = 100 * np.array([[r["epochs"][i]["r1"] for i in range(n)] for r in runs])
            x = np.arange(1, n + 1)
            line, = ax.plot(x, r1.mean(0), marker="o", label=mode)
            if len(runs) > 1:
                ax.fill_between(x, r1.min(0), r1.max(0), color=line.get_color(), alpha=0.15)
        ax.set_title(TITLES.get(protocol, protocol), fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_ylabel("R@1 (%)")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    seeds = sorted({r["seed"] for r in record["runs"]})
    fig.suptitle(f"Fashion-MNIST, {record['config']['train']:,} training images, R@1 on "
                 f"{record['config']['test']:,} {record['config']['eval']} images; mean over seeds "
                 f"{', '.join(map(str, seeds))} (band: min to max)", fontsize=10)
    fig.tight_layout()
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
        print(f"wrote {path}")
    return True


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", type=Path, help="JSON written by fashion_mnist_batches.py --results")
    p.add_argument("--table", type=Path, help="markdown file for the tables")
    p.add_argument("--plot", type=Path, action="append", default=[], help="image file (.png, .svg); repeatable")
    args = p.parse_args()
    record = json.loads(args.results.read_text())
    text = table(record)
    print(text)
    if args.table:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(text + "\n")
    if args.plot:
        plot(record, args.plot)


if __name__ == "__main__":
    main()
