"""Sweeps on Ray (--workers, --ray-address): the runs train in parallel, one at a time on
each session host, each as fair work in that host's Scheduler next to its sessions
(app/sweeps.py does the rest, as on the embedded default).

A host holds PER_HOST runs: one trains, the next is built and waits its turn (the host's
`sweep_turn`; its cell says "queued" until then), so the host goes from one to the next
without waiting for the web process. Two sweeps at once (max_sweeps) take turns on a host run
by run.
The web process hands a host another run when one of its runs is done, so the hosts share
the sweep by how fast they go. A run is the same nncore.sweep.Run as on the embedded
default, trained to its end, and its outcome (the checkpoint that saves it) is built on the
host, so its weights and its saved run are those of the embedded default, bit for bit. The
web process asks the hosts for the epochs of the runs they train every POLL_SECONDS, and for
their measures so far when a run trained an epoch since: the progress and the growing curves.
It saves each finished run through the relay (the run store and the cluster's checkpoint
store), so any of them opens as a session on any host.

A host that dies during a run fails that run (the sweep reports it, and goes on with the other
hosts); a cancelled sweep cancels its runs on the hosts (Ray cancels the call's coroutine, and
the run leaves the host's Scheduler).
"""

import asyncio
import secrets

from nncore import Config
from nncore.sweep import Run

from ..downloads import library
from ..runstore import encode
from ..sweeps import Sweeps, outcome, plain, train

POLL_SECONDS = 0.5
PER_HOST = 2  # runs a host holds at once: one training, the next waiting its turn
LISTED = ("title", "dataset", "step", "state")  # what the stores list of a run (row_of)
_TRAINING = {}  # on a host: key -> the RunWork of a sweep run training there


# -- on a host -----------------------------------------------------------------------------------
async def train_here(host, key, config, epochs, varied):
    """Train one run on `host` (a SessionHost) in its Scheduler, once the run before it there
    is done; its outcome. Its measures are taken on the event loop when they cost less than a
    slice (RunWork's `inline`): the other cores are the other hosts'."""
    folders = library(host.settings).folders

    def make_run():
        return Run(Config(**config), epochs, folders=folders, varied=varied)

    try:
        run = await train(host.scheduler, make_run, turn=host.sweep_turn, inline=True,
                          progress=lambda work: _TRAINING.__setitem__(key, work))
    finally:
        _TRAINING.pop(key, None)
    return await asyncio.to_thread(encoded_outcome, run, host.settings)


def encoded_outcome(run, settings):
    """The run's outcome with its checkpoint encoded here, on its host: the web process then
    only writes the bytes, where JSON and compression would be its own work, run after run,
    for every host (a digits run's checkpoint is 1.3 MB of JSON, 0.1 MB compressed)."""
    result = outcome(run, settings)
    checkpoint = result["checkpoint"]
    try:
        body = encode({k: v for k, v in checkpoint.items() if k not in ("id", "updated")})
    except ValueError:  # not JSON: the web process says so as it saves it
        return result
    result["checkpoint"] = {"listing": {k: checkpoint[k] for k in LISTED}, "body": body}
    return result


def progress_here(keys, known):
    """{key: (epoch, history)} of the runs training here; the history (JSON lists) only for
    a run that trained an epoch since `known[key]`, the epoch its caller has."""
    out = {}
    for key in keys:
        work = _TRAINING.get(key)
        if work is not None:
            epoch = work.epoch
            # (an epoch measured in a worker thread is whole once its task is done)
            fresh = (epoch != known.get(key) and work.run.measured
                     and work.measuring is None)
            out[key] = (epoch, plain(work.run.history) if fresh else None)
    return out


# -- in the web process --------------------------------------------------------------------------
class RemoteRun:
    """A run handed to a host, as its cell follows it: `started` (its turn on the host came:
    until then its cell says it is queued), `epoch` and `history` (its measures so far, as
    JSON lists; None before the first poll), polled."""

    def __init__(self, handle, key):
        self.handle, self.key, self.epoch, self.history = handle, key, 0, None
        self.started = False

    async def poll(self):
        """Follow the run until cancelled; a host that fails to say stops it (the run's own
        call says what happened to the host)."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                said = await self.handle.sweep_progress.remote([self.key],
                                                               {self.key: self.epoch})
            except Exception:  # noqa: BLE001
                return
            if self.key in said:
                self.started = True
                epoch, history = said[self.key]
                if history is not None:
                    self.epoch, self.history = epoch, history


class ClusterTrainer:
    """The sweep's runs on the session hosts, one training at a time on each."""

    def __init__(self, relay):
        self.relay = relay

    @property
    def concurrency(self):
        """Two runs a host: while one's outcome travels and the next one's call comes, the
        other trains, so a host is never idle between runs (a digits run of 20 epochs trains
        for ~65 ms; the hand-over between runs would be a good part of that)."""
        return PER_HOST * max(1, len(self.relay.hosts))

    async def train(self, slot, cell):
        _, handle = self.relay.hosts[slot % len(self.relay.hosts)]
        remote = RemoteRun(handle, secrets.token_hex(8))
        cell.follow(remote)
        ref = handle.sweep_run.remote(remote.key, cell.config.to_dict(), cell.epochs,
                                      cell.varied)
        poller = asyncio.create_task(remote.poll())
        try:
            return await ref
        except asyncio.CancelledError:
            self.relay.ray.cancel(ref)
            raise
        finally:
            poller.cancel()


def cluster_sweeps(settings, relay):
    """The Sweeps of a web process on Ray: runs on the hosts, saved through the relay."""
    save = None
    if relay.checkpoints.enabled:
        async def save(token, session_id, checkpoint):
            if "body" in checkpoint:  # encoded on its host (encoded_outcome)
                return await relay.keep(token, session_id, checkpoint["listing"],
                                        checkpoint["body"])
            return await relay.keep(token, session_id, checkpoint)

    return Sweeps(settings, ClusterTrainer(relay), save)
