"""Sessions on Ray workers: `nnplay --workers N` and `nnplay --ray-address ADDR`.

The web process keeps the websockets; each session lives in a session host (host.py), a Ray
actor in a worker process that holds many sessions; the relay (relay.py) carries commands in
and replies, events and frames out, so the page and the wire protocol are the same as on the
embedded default. docs/scaling.md says how to run it and how failures behave.

Only this package imports Ray, and only when one of the two flags is given: the embedded
default never does.
"""

import logging
import os
import socket
from pathlib import Path

from .relay import Relay  # noqa: F401 - the package's API

log = logging.getLogger("nnplay")

NAMESPACE = "nnplay"  # every web process on a cluster finds the same hosts here
HOST_NAME = "nnplay-host-{}"  # host i's actor name
CHECKPOINTS_NAME = "nnplay-checkpoints"  # the cluster's checkpoint store (store.py)
# The head node's own resource (Ray Train pins its state actor with it): the store lives on the
# node whose loss ends the cluster anyway, never on one an autoscaler may take away.
ON_THE_HEAD = {"node:__internal_head__": 0.001}
MAX_WORKERS = 64
INSTALL = "pip install 'nnplay[cluster]'"
# One BLAS thread per worker, as in the web process (cli.single_threaded_blas).
WORKER_ENV = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS")}


def parse_workers(text):
    """--workers, NNPLAY_WORKERS: a whole number of worker processes from 1 to MAX_WORKERS."""
    try:
        workers = int(text)
    except (TypeError, ValueError):
        workers = 0
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"{text!r} is not allowed: the number of worker processes is a whole "
                         f"number from 1 to {MAX_WORKERS}")
    return workers


def import_ray():
    """Ray, or a SystemExit that says how to install it."""
    try:
        import ray
    except ImportError as e:
        raise SystemExit(f"nnplay: --workers and --ray-address run sessions on Ray, which is "
                         f"not installed ({e}); install it with: {INSTALL}") from None
    return ray


def join_with_token(environ=os.environ):
    """Join a cluster as `ray start --address` does: with token authentication (Ray 2.52+;
    a local Ray uses it by default since 2.59) when a token is at hand and RAY_AUTH_MODE does
    not say otherwise. Set before Ray is imported, which reads it."""
    token_file = Path(environ.get("RAY_AUTH_TOKEN_PATH") or Path.home() / ".ray" / "auth_token")
    if "RAY_AUTH_MODE" not in environ and (environ.get("RAY_AUTH_TOKEN") or token_file.exists()):
        environ["RAY_AUTH_MODE"] = "token"


def check_address(address, timeout=5.0):
    """--ray-address: HOST:PORT of a Ray cluster's head that answers (or "auto", or a Ray
    Client "ray://" address, passed to Ray as they are). Ray itself would retry for minutes
    before saying that nothing is there; this says it at once."""
    if address == "auto" or address.startswith("ray://"):
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit(f"nnplay: --ray-address {address!r} is not an address: give HOST:PORT "
                         "as `ray start --head` prints it (or auto, or ray://HOST:PORT)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise SystemExit(f"nnplay: --ray-address {address}: nothing answers there "
                         f"({e.strerror or e}); start a cluster with `ray start --head` and pass "
                         "the address it prints") from None


def connect(settings):
    """Start a local Ray (--workers N) or join a cluster (--ray-address ADDR), and make sure
    the session hosts and the checkpoint store exist: (ray, [(name, actor handle)], the
    store's handle, or None if it could not be made)."""
    if settings.ray_address:
        check_address(settings.ray_address)
        join_with_token()
    ray = import_ray()
    quiet = dict(namespace=NAMESPACE, logging_level=logging.WARNING, log_to_driver=False,
                 configure_logging=True)
    if settings.ray_address:
        try:
            ray.init(address=settings.ray_address, **quiet)
        except Exception as e:  # ConnectionError, a bad address: said plainly, no traceback
            raise SystemExit(f"nnplay: --ray-address {settings.ray_address}: cannot join the "
                             f"Ray cluster ({type(e).__name__}: {str(e)[:300]}); start one with "
                             "`ray start --head` and pass the address it prints") from None
        workers = settings.workers or min(MAX_WORKERS,
                                          max(1, int(ray.cluster_resources().get("CPU", 1))))
    else:
        workers = settings.workers
        ray.init(num_cpus=max(workers, os.cpu_count() or 1), include_dashboard=False, **quiet)
    from .host import SessionHost

    actor = ray.remote(SessionHost)
    hosts = []
    for i in range(workers):
        name = HOST_NAME.format(i)
        # Named and detached: any web process on the cluster finds it by name, and it outlives
        # the web process that made it (a local Ray ends with nnplay all the same). Ray
        # restarts one whose process died; the relay brings its sessions back.
        handle = actor.options(
            name=name, namespace=NAMESPACE, get_if_exists=True, lifetime="detached",
            max_restarts=-1, max_concurrency=10_000, num_cpus=0,
            scheduling_strategy="SPREAD", runtime_env={"env_vars": WORKER_ENV},
        ).remote(name, settings)
        hosts.append((name, handle))
    try:
        store = checkpoint_store(ray, settings)
    except Exception as e:  # noqa: BLE001 - sessions come back from the run store alone
        log.warning("the cluster's checkpoint store could not be made (%s: %s); the relay "
                    "tries again when it needs it", type(e).__name__, str(e)[:200])
        store = None
    return ray, hosts, store


def checkpoint_store(ray, settings):
    """The cluster's checkpoint store (store.py): the one every web process finds by name,
    made by the first with its size limit. Detached, so that it outlives the web process that
    made it; restarted, empty, should its process die."""
    from .store import CheckpointStore

    return ray.remote(CheckpointStore).options(
        name=CHECKPOINTS_NAME, namespace=NAMESPACE, get_if_exists=True, lifetime="detached",
        max_restarts=-1, num_cpus=0, resources=ON_THE_HEAD,
    ).remote(int(settings.cluster_checkpoints_mb * 1024 * 1024))
