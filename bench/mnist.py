"""MNIST benchmark: the wall time from pressing play on the MNIST preset to 95% test accuracy.

    python bench/mnist.py [--data-dir DIR | --mnist-dir DIR] [--speed preset|max] [--stand-in]

A real `nnplay` (uvicorn, in its own process) reads MNIST from DIR/mnist (`--data-dir`, as
nnplay keeps it; by default the user's data folder, where the page's download puts it) or from
`--mnist-dir`. A client drives it as the page does: `preset mnist` (784-128-64-10, relu,
softmax, Adam, batches of 128, at the preset's own pace), then `play`. The clock runs from
sending `play` until the first frame whose `full_test` says the network passed 95% on all
10,000 test images (the server measures the whole test set on a frozen copy of the network, a
chunk per frame). It prints that time, the step and epoch of the network measured, when the
sampled accuracy (1,000 test images, in every frame) first passed 95%, and the training speed.

Without MNIST's files it says so and exits with status 2: the figure cannot be measured on a
machine that has not got them (download them by picking MNIST in the page, or put the four
files in DIR/mnist). `--stand-in` runs the same measurement on a stand-in that is NOT MNIST
(scikit-learn's 8×8 digits scaled to 28×28, tests/idx.py), to check the harness; its figure
is not the acceptance figure and is labelled so.
"""

import argparse
import asyncio
import hashlib
import json
import os
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the server does
sys.path.insert(0, ROOT)

from websockets.asyncio.client import connect  # noqa: E402

from app.downloads import TABLE, default_data_dir  # noqa: E402
from nncore import datasets  # noqa: E402
from tests.e2e.server import running  # noqa: E402

TARGET = 0.95
TIMEOUT = 600.0  # seconds of training before giving up


def header_of(message):
    (n,) = struct.unpack_from("<I", message, 0)
    return json.loads(message[4:4 + n])


def real_mnist(folder):
    """Why `folder` does not hold the real MNIST, or None when it does: every file there,
    gzipped, with the canonical SHA-256; or, uncompressed, 60,000 + 10,000 images."""
    try:
        read = datasets.read_files("mnist", folder)
    except ValueError as e:
        return str(e)
    if (len(read.y), read.n_train) != (70_000, 60_000):
        return (f"{folder} holds {read.n_train} training and {len(read.y) - read.n_train} "
                "test images, not MNIST's 60,000 and 10,000")
    for source in TABLE["mnist"].files:
        path = Path(folder) / source.name
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != source.sha256:
            return f"{path} is not MNIST's {source.name} (its SHA-256 differs)"
    return None


async def measure(url, speed):
    ws = await connect(url, proxy=None, compression=None, max_size=2**25, max_queue=64)
    try:
        assert json.loads(await ws.recv())["type"] == "hello"

        async def call(message):
            await ws.send(json.dumps({**message, "id": message["type"]}))
            while True:
                m = await ws.recv()
                if isinstance(m, str):
                    reply = json.loads(m)
                    if reply.get("id") == message["type"]:
                        assert reply["type"] == "applied", reply
                        return reply

        preset = await call({"type": "preset", "name": "mnist"})
        if speed == "max":
            await call({"type": "speed", "steps_per_second": "max"})
        started = time.monotonic()
        await ws.send(json.dumps({"type": "play"}))
        sampled = None  # (seconds, step) when the sampled test accuracy first passed
        while time.monotonic() - started < TIMEOUT:
            m = await asyncio.wait_for(ws.recv(), TIMEOUT)
            if isinstance(m, str):
                event = json.loads(m)
                assert event["type"] != "error", event
                continue
            h = header_of(m)
            if h["type"] != "frame":
                continue
            now = time.monotonic() - started
            if sampled is None and h["metrics"].get("test_accuracy", 0) > TARGET:
                sampled = (now, h["step"])
            full = h.get("full_test")
            if full and full["test_accuracy"] > TARGET:
                return {"seconds": now, "full": full, "frame_step": h["step"],
                        "epoch": h["epoch_progress"], "sampled": sampled,
                        "pace": preset["speed"] if speed == "preset" else "max",
                        "steps_per_second": h["step"] / now if now else 0.0,
                        "sample": h.get("metrics_sample")}
        raise TimeoutError(f"no 95% within {TIMEOUT:g} s")
    finally:
        await ws.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--data-dir", help="nnplay's data folder (MNIST in DIR/mnist)")
    where.add_argument("--mnist-dir", help="a folder holding MNIST's four files")
    p.add_argument("--speed", choices=("preset", "max"), default="preset",
                   help="train at the preset's pace, as the page does (default), or at max")
    p.add_argument("--stand-in", action="store_true",
                   help="measure on a stand-in that is NOT MNIST, to check the harness")
    args = p.parse_args()

    data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
    folder = Path(args.mnist_dir).expanduser() if args.mnist_dir else data_dir / "mnist"
    flags = (["--dataset-dir", f"mnist={folder}"] if args.mnist_dir
             else ["--data-dir", str(data_dir)])
    label = "MNIST"
    why_not = real_mnist(folder)
    scratch = None
    if why_not is not None:
        print(f"bench/mnist.py: cannot measure the MNIST figure on this machine: MNIST's files "
              f"are not here ({why_not}). Pick MNIST in the page (nnplay downloads it into "
              f"{data_dir / 'mnist'}) or put its four files there, then run this again.")
        if not args.stand_in:
            return 2
        from tests import idx

        scratch = tempfile.TemporaryDirectory()
        idx.write_folder(Path(scratch.name) / "mnist", idx.digits_stand_in(60_000))
        flags = ["--data-dir", scratch.name]
        label = "a STAND-IN, NOT MNIST (scikit-learn's 8×8 digits at 28×28, 60,000 + 500)"
    try:
        with running(*flags, "--no-downloads", timeout=60) as server:
            result = asyncio.run(measure(server.ws_url, args.speed))
    finally:
        if scratch is not None:
            scratch.cleanup()
    full = result["full"]
    print(f"MNIST preset (784-128-64-10, Adam 0.001, batch 128) on {label}, pace "
          f"{result['pace']} steps/s:")
    print(f"  play -> {TARGET:.0%} test accuracy on all {full['count']:,} test images: "
          f"{result['seconds']:.1f} s wall time (the network of step {full['step']}, "
          f"{full['test_accuracy']:.2%}; shown in the frame of step {result['frame_step']}, "
          f"epoch {result['epoch']:.2f})")
    if result["sampled"]:
        seconds, step = result["sampled"]
        print(f"  the sampled accuracy ({result['sample']['test']:,} test images, every frame) "
              f"passed {TARGET:.0%} at {seconds:.1f} s (step {step})")
    print(f"  training speed: {result['steps_per_second']:.0f} steps/s "
          f"({result['steps_per_second'] * 128:,.0f} images/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
