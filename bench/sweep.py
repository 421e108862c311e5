"""Sweep benchmark: the same sweep on the embedded default and on `--workers N`, in one run.

    python bench/sweep.py [--runs 24] [--epochs 20] [--workers 2] [--repeat 5]

The sweep is the digits preset's network on scikit-learn's digits (64-32-10: relu, softmax with
cross-entropy, SGD, batches of 32, 70% for training) with the learning rate × the activation
varied: 6 × 4 = 24 runs (`--runs` takes the first ones of that grid), each
trained `--epochs` epochs. Prints the wall time from the sweep's start to its last run saved
(the server's own `seconds`), on an nnplay in process (runs in turn) and then on one with
`--workers N` (runs in parallel on the session hosts; Ray's start is not counted, and each
server first runs a 4-run, 1-epoch sweep to warm up), and the ratio of the two medians (target
≥ 1.7× with 2 workers on 2 cores). Each server runs the sweep `--repeat` times, one after the
other: a 24-run sweep lasts a second or two, and one figure alone moves ±15% on 2 shared
cores. Then the floor: the same runs trained by nncore alone (`nncore.sweep.run_one`), in one
process and then split over N processes, what the machine allows with nothing but NumPy.
Runs are saved as a page's would be (each server has a scratch data folder).
"""

import argparse
import functools
import multiprocessing
import os
import statistics
import sys
import time

import httpx

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the server does
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app.presets import PRESETS  # noqa: E402
from tests.e2e.server import running  # noqa: E402

CONFIG = PRESETS["digits"]["config"]  # 64-32-10, relu, softmax, batches of 32
RATES = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu"]


def vary_for(runs):
    """The first `runs` cells of the 6 × 4 grid, as a vary one or two fields give them."""
    if runs <= len(ACTIVATIONS):
        return {"activation": ACTIVATIONS[:runs]}
    if runs % len(ACTIVATIONS):
        raise SystemExit(f"--runs {runs}: give 1 to 4, or a multiple of 4 up to 24")
    return {"learning_rate": RATES[:runs // len(ACTIVATIONS)], "activation": ACTIVATIONS}


def sweep_seconds(url, vary, epochs):
    """Wall seconds of one sweep, from its start to its last run saved, as the server measures
    them (`seconds`), polled as a page does (every 0.5 s)."""
    r = httpx.post(url + "api/sweeps", json={"token": "bench-page-0001", "config": CONFIG,
                                             "vary": vary, "epochs": epochs}, timeout=60)
    r.raise_for_status()
    while True:
        time.sleep(0.5)
        status = httpx.post(url + "api/sweeps/status", json={"id": r.json()["id"]},
                            timeout=60).json()
        if status["state"] != "running":
            break
    if status["state"] != "done":
        raise SystemExit(f"the sweep ended {status['state']}: "
                         f"{[run['error'] for run in status['runs'] if run['error']]}")
    return status["seconds"], status


def warm(url):
    """One small sweep first, on every process (a host's first run reads the data and warms
    NumPy up): the figure is the sweep's, not the first touch of each process."""
    sweep_seconds(url, {"activation": ACTIVATIONS}, 1)


def timed_sweeps(url, vary, epochs, repeat):
    warm(url)
    figures = [sweep_seconds(url, vary, epochs) for _ in range(repeat)]
    return [seconds for seconds, _ in figures], figures[-1][1]


def shown(figures):
    return (f"median {statistics.median(figures):5.2f} s   "
            f"({', '.join(f'{f:.2f}' for f in figures)})")


def bare(cells, epochs):
    """Seconds to train `cells` (config dicts) by nncore alone, in turn in this process."""
    from nncore import Config
    from nncore.sweep import run_one

    started = time.perf_counter()
    for config in cells:
        run_one(Config(**config), epochs)
    return time.perf_counter() - started


def floor(vary, epochs, workers):
    """(one process, `workers` processes): the sweep's runs trained by nncore alone."""
    from nncore import Config
    from nncore.sweep import grid

    cells = [c.to_dict() for c, _ in grid(Config(**CONFIG), vary)]
    bare(cells[:2], 1)  # NumPy and the data, warm
    one = bare(cells, epochs)
    # each process warm too, as it starts (an initializer runs once in every one)
    with multiprocessing.get_context("spawn").Pool(workers, bare, (cells[:1], 1)) as pool:
        pool.map(time.sleep, [0.5] * workers, chunksize=1)  # every process has started
        started = time.perf_counter()  # a run to each process as it is free, as nnplay does
        list(pool.imap_unordered(functools.partial(bare, epochs=epochs),
                                 [[c] for c in cells]))
        return one, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    vary = vary_for(args.runs)
    print(f"sweep: {args.runs} runs of 64-32-10 on digits, {args.epochs} epochs each, "
          f"varying {', '.join(vary)}; each sweep {args.repeat} times")
    with running() as embedded:
        here, here_status = timed_sweeps(embedded.url, vary, args.epochs, args.repeat)
    print(f"  embedded (in turn)           {shown(here)}")
    with running("--workers", str(args.workers), timeout=180) as cluster:
        there, there_status = timed_sweeps(cluster.url, vary, args.epochs, args.repeat)
    print(f"  --workers {args.workers} (in parallel)     {shown(there)}")
    same = all(a["final"] == b["final"] for a, b in zip(here_status["runs"],
                                                        there_status["runs"]))
    ratio = statistics.median(here) / statistics.median(there)
    print(f"  ratio {ratio:.2f}× (target ≥ 1.7× with 2 workers); results identical: {same}")
    one, many = floor(vary, args.epochs, args.workers)
    print(f"  floor, nncore alone: one process {one:.2f} s, {args.workers} processes "
          f"{many:.2f} s: {one / many:.2f}×")


if __name__ == "__main__":
    main()
