"""The ratio table of runtests.py --bench-compare: run by the venv's python,
which has asv, over the results of one `asv run` in two environments.

    asv_compare.py --config C --machine M --commit H --stock-python S --fork-python F
                   --csv RATIOS.csv

Prints asv compare's table (stock NumPy before, the fork after) and a verdict
on the stock operations: exit status 1 if asv would mark any of them changed
by more than STOCK_BAND.
"""
import argparse
import csv
import math
import sys

from asv import config
# _is_result_better is asv compare's own test for its + and - marks
from asv.commands.compare import Compare, _is_result_better, unroll_result
from asv.results import iter_results_for_machine_and_hash

STOCK_SUITE = "bench_stock."
STOCK_BAND = 0.05
# one name for both sides, so that asv's table pairs them up
SIDE = "numpy"


def rows(conf, machine, commit, python):
    """asv compare's resultset for the environment run by `python`."""
    for result in iter_results_for_machine_and_hash(conf.results_dir, machine, commit):
        if result.params.get("python") != python:
            continue
        for key in result.get_all_result_keys():
            params = result.get_result_params(key)
            yield (key, params, result.get_result_value(key, params),
                   result.get_result_stats(key, params),
                   result.get_result_samples(key, params),
                   result.benchmark_version.get(key), machine, SIDE)


def stock_timings(resultset):
    """name: (time, (stats, samples)) of each stock-suite benchmark timed."""
    found = {}
    for key, params, value, stats, samples, *_ in resultset:
        if key.startswith(STOCK_SUITE):
            for name, time, stat, sample in unroll_result(key, params, value, stats, samples):
                if time is not None and not math.isnan(time):
                    found[name] = (time, (stat, sample))
    return found


def verdict(stock, fork):
    """Exit status and text: a stock operation is off when asv compare would
    mark it, more than STOCK_BAND away and statistically different."""
    before, after = stock_timings(stock), stock_timings(fork)
    names = sorted(before.keys() & after.keys())
    if not names:
        return 0, "no stock operation was timed on both (the patterns left bench_stock out)"
    ratios = {name: after[name][0] / before[name][0] for name in names}
    factor = 1 + STOCK_BAND

    def better(x, y):
        return _is_result_better(x[0], y[0], x[1], y[1], factor)
    off = [name for name in names
           if better(after[name], before[name]) or better(before[name], after[name])]
    unsure = [name for name in names if abs(ratios[name] - 1) > STOCK_BAND and name not in off]
    lines = [f"stock operations: {len(names)} timed on both, fork/stock from "
             f"{min(ratios.values()):.3f} to {max(ratios.values()):.3f}"]
    lines += [f"  {ratios[name]:.3f}  {name}   (off by more than {STOCK_BAND:.0%})"
              for name in off]
    lines += [f"  {ratios[name]:.3f}  {name}   (more than {STOCK_BAND:.0%} but within the "
              f"noise: time it again on a quiet machine)" for name in unsure]
    lines.append(f"{len(off)} off by more than {STOCK_BAND:.0%} (asv compare's + or -), "
                 f"{len(unsure)} within the noise, {len(names) - len(off) - len(unsure)} "
                 f"within {STOCK_BAND:.0%}")
    return int(bool(off)), "\n".join(lines)


def write_ratios(path, stock, fork):
    """The stock operations timed on both, as CSV: name, seconds on stock
    NumPy and on the fork, ratio (benchmarks/plot_stock_ratios.py draws it)."""
    before, after = stock_timings(stock), stock_timings(fork)
    with open(path, "w", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["benchmark", "stock NumPy (s)", "numpy-dive (s)", "ratio"])
        for name in sorted(before.keys() & after.keys()):
            stock_time, fork_time = before[name][0], after[name][0]
            rows.writerow([name.removeprefix(STOCK_SUITE), f"{stock_time:.4g}",
                           f"{fork_time:.4g}", f"{fork_time / stock_time:.3f}"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for option in ("--config", "--machine", "--commit", "--stock-python", "--fork-python",
                   "--csv"):
        parser.add_argument(option, required=True)
    args = parser.parse_args(argv)
    conf = config.Config.load(args.config)
    stock = list(rows(conf, args.machine, args.commit, args.stock_python))
    fork = list(rows(conf, args.machine, args.commit, args.fork_python))
    Compare.print_table(conf, "stock", "fork", factor=1 + STOCK_BAND, split=False,
                        resultset_1=stock, resultset_2=fork,
                        commit_names={"stock": "NumPy 2.4.6", "fork": "numpy-dive"})
    status, text = verdict(stock, fork)
    write_ratios(args.csv, stock, fork)
    print("\n" + text + f"\nratios: {args.csv}")
    return status


if __name__ == "__main__":
    sys.exit(main())
