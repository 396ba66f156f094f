"""Draw the stock operations' ratios of `runtests.py --bench-compare` (the
fork's time over stock NumPy 2.4.6's) as horizontal bars, the ±5% band shaded.

    python3 runtests.py --bench-compare bench_stock
    python3 runtests.py --no-build --python benchmarks/plot_stock_ratios.py \\
        build/asv/stock_ratios.csv doc/_static/stock_ratios.png
"""
import argparse
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BAND = 0.05


def read_ratios(path):
    with open(path, newline="") as rows:
        return [(row["benchmark"], float(row["ratio"])) for row in csv.DictReader(rows)]


def plot(ratios, path):
    names = [name for name, _ in ratios]
    values = [ratio for _, ratio in ratios]
    figure, axes = plt.subplots(figsize=(8, 0.22 * len(ratios) + 1.2))
    axes.axvspan(1 - BAND, 1 + BAND, color="0.9", label=f"±{BAND:.0%}")
    axes.axvline(1, color="0.5", linewidth=0.8)
    colors = ["tab:red" if abs(v - 1) > BAND else "tab:blue" for v in values]
    axes.barh(range(len(values)), [v - 1 for v in values], left=1, color=colors, height=0.6)
    axes.set_yticks(range(len(names)), names, fontsize=7)
    axes.invert_yaxis()
    low, high = min(values + [1 - 2 * BAND]), max(values + [1 + 2 * BAND])
    axes.set_xlim(low - 0.02, high + 0.02)
    axes.set_xlabel("numpy-dive time / stock NumPy 2.4.6 time")
    axes.set_title("Stock operations on the fork (asv, benchmarks/bench_stock.py)", fontsize=9)
    axes.legend(loc="lower right", fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", help="the ratios --bench-compare wrote")
    parser.add_argument("png", help="where to write the plot")
    args = parser.parse_args(argv)
    plot(read_ratios(args.csv), args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
