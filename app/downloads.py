"""Datasets read from files (MNIST, Fashion-MNIST): where they are kept, and their download.

nncore reads a dataset's four IDX files from a folder it is given; this module decides the
folders and fetches what is missing. Each dataset has its folder, chosen once per server
(`library(settings)`):
  - `--dataset-dir NAME=DIR`: a folder the user names, read as it is; nnplay never writes to it;
  - else DATA_DIR/NAME, where DATA_DIR is `--data-dir` (NNPLAY_DATA_DIR), or the user's data
    folder (platformdirs' user_data_dir("nnplay") when platformdirs is installed, else
    ~/.nnplay). Files put there by hand are used as they are; a download lands there too.

A download (the `download` command) runs in a thread, so the event loop never waits on the
network. It fetches each missing file from its canonical source (the next mirror if one
fails), at most its known size, into a temporary file beside its place; checks its SHA-256;
and only then renames it into place: a failed, refused or cancelled download leaves nothing
half-written. A file that arrives with another SHA-256 is deleted and the failure says so.
Sessions that ask for the same dataset's download share it (jobs are keyed by the folder),
and each gets its progress as `download` events.
"""

import asyncio
import atexit
import functools
import hashlib
import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from nncore import DATASETS, datasets

from . import replies
from .limits import LIMITS


# -- the sources -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One file of a dataset: its name, size and SHA-256, and the URLs it is served at."""
    name: str
    bytes: int
    sha256: str
    urls: tuple


@dataclass(frozen=True)
class Sources:
    """Where a dataset's files come from: `source` (the page a person would go to) and files."""
    source: str
    files: tuple

    @property
    def total(self):
        return sum(f.bytes for f in self.files)


MNIST_MIRRORS = (
    # The mirror torchvision downloads from (torchvision/datasets/mnist.py, MNIST.mirrors).
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    # The mirror TensorFlow uses (tensorflow-datasets' mnist, Keras's older mnist.py).
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FASHION_MIRRORS = (
    # Zalando Research's own bucket, as its README and torchvision (FashionMNIST.mirrors) give
    # it; plain http, which the SHA-256 check makes safe.
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    # Keras's copy (keras.datasets.fashion_mnist): the same files.
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)
# Sizes and SHA-256 sums of the canonical files, as tensorflow-datasets' checksum lists record
# them (tensorflow_datasets/url_checksums/mnist.tsv and fashion_mnist.tsv) and the datasets'
# users check them; torchvision checks the same files by MD5.
MNIST_FILES = (
    ("train-images-idx3-ubyte.gz", 9_912_422,
     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    ("train-labels-idx1-ubyte.gz", 28_881,
     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    ("t10k-images-idx3-ubyte.gz", 1_648_877,
     "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    ("t10k-labels-idx1-ubyte.gz", 4_542,
     "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
)
FASHION_FILES = (
    ("train-images-idx3-ubyte.gz", 26_421_880,
     "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
    ("train-labels-idx1-ubyte.gz", 29_515,
     "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
    ("t10k-images-idx3-ubyte.gz", 4_422_102,
     "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
    ("t10k-labels-idx1-ubyte.gz", 5_148,
     "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
)


def _sources(mirrors, files):
    return Sources(mirrors[0], tuple(Source(name, size, sha, tuple(m + name for m in mirrors))
                                     for name, size, sha in files))


TABLE = {"mnist": _sources(MNIST_MIRRORS, MNIST_FILES),
         "fashion_mnist": _sources(FASHION_MIRRORS, FASHION_FILES)}

MAX_DOWNLOAD_BYTES = LIMITS["max_download_bytes"]  # all of one dataset's files, at most
TIMEOUT = 30.0  # seconds to connect, and between two pieces of a file
CHUNK = 64 * 1024
PROGRESS_SECONDS = 0.2  # progress events come at most this often
STALE_PART_SECONDS = 600  # a temporary file this old was left by a stopped server: removed


def read_table(path):
    """The download table in a JSON file (`--download-table`), checked whole:
    {"mnist": {"source": URL, "files": [{"name", "bytes", "sha256", "urls": [URL, ...]}]}}.
    It replaces the built-in table: a dataset it does not list is not downloaded."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"download table {str(path)!r} cannot be read: {e}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"download table {str(path)!r} must be a JSON object of datasets")
    return {name: _checked_entry(name, entry) for name, entry in raw.items()}


def _checked_entry(name, entry):
    where = f"download table: {name}"
    spec = DATASETS.get(name)
    if spec is None or not spec.files:
        raise ValueError(f"{where}: not a dataset read from files; allowed: "
                         + ", ".join(n for n, s in DATASETS.items() if s.files))
    if not isinstance(entry, dict) or set(entry) != {"source", "files"}:
        raise ValueError(f"{where} must be an object with source and files")
    files = entry["files"]
    if not isinstance(files, list) or sorted(f.get("name", "") for f in files if isinstance(
            f, dict)) != sorted(stem + ".gz" for stem in spec.files):
        raise ValueError(f"{where}: files must be exactly "
                         + ", ".join(stem + ".gz" for stem in spec.files))
    checked = []
    for f in files:
        if set(f) != {"name", "bytes", "sha256", "urls"}:
            raise ValueError(f"{where}: {f['name']} must have name, bytes, sha256 and urls")
        size, sha, urls = f["bytes"], f["sha256"], f["urls"]
        if not (isinstance(size, int) and 0 < size <= MAX_DOWNLOAD_BYTES):
            raise ValueError(f"{where}: {f['name']}: bytes={size!r} must be a whole number "
                             f"from 1 to {MAX_DOWNLOAD_BYTES}")
        if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
            raise ValueError(f"{where}: {f['name']}: sha256 must be 64 lowercase hex digits")
        if not (isinstance(urls, list) and urls and all(_is_http(u) for u in urls)):
            raise ValueError(f"{where}: {f['name']}: urls must be a non-empty list of http:// "
                             "or https:// URLs")
        checked.append(Source(f["name"], size, sha, tuple(urls)))
    sources = Sources(entry["source"], tuple(checked))
    if not _is_http(sources.source):
        raise ValueError(f"{where}: source must be an http:// or https:// URL")
    if sources.total > MAX_DOWNLOAD_BYTES:
        raise ValueError(f"{where}: its files add up to {sources.total} bytes; at most "
                         f"{MAX_DOWNLOAD_BYTES} are allowed")
    return sources


def _is_http(url):
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and bool(
        urlsplit(url).netloc)


# -- the folders -----------------------------------------------------------------------------
def default_data_dir():
    """The user's data folder for nnplay: platformdirs' user_data_dir("nnplay") (e.g.
    ~/.local/share/nnplay) when platformdirs is installed (nnplay[data]), else ~/.nnplay."""
    try:
        import platformdirs
    except ImportError:
        return Path.home() / ".nnplay"
    return Path(platformdirs.user_data_dir("nnplay", appauthor=False))


def parse_dataset_dir(text):
    """(name, folder) of a `--dataset-dir NAME=DIR` value; ValueError says what is allowed."""
    names = [n for n, s in DATASETS.items() if s.files]
    name, sep, folder = text.partition("=")
    if not sep or name not in names or not folder.strip():
        raise ValueError(f"--dataset-dir {text!r} must be NAME=DIR with NAME one of: "
                         + ", ".join(names))
    return name, Path(folder.strip()).expanduser()


@dataclass(frozen=True)
class Library:
    """The datasets read from files, as one server keeps them."""
    data_dir: Path  # where downloads go, each dataset in a folder of its name
    folders: dict  # dataset -> the folder its files are read from
    named: frozenset  # datasets whose folder the user named (never downloaded into)
    table: dict  # dataset -> Sources
    allowed: bool  # downloads are on

    def offer(self, name):
        """What the page may do about a dataset whose files are missing (the `download` part
        of a `missing_data` error): its size and source, where the files go, and whether this
        server downloads them (and if not, why)."""
        sources, folder = self.table.get(name), self.folders[name]
        why_not = None
        if name in self.named:
            why_not = f"its folder was named with --dataset-dir ({folder}); nnplay leaves it to you"
        elif not self.allowed:
            why_not = "downloads are turned off on this server (--no-downloads)"
        elif sources is None:
            why_not = "it is not in this server's download table"
        files = ([f.name for f in sources.files] if sources is not None
                 else [stem + ".gz" for stem in DATASETS[name].files])
        return {"dataset": name, "title": DATASETS[name].title, "folder": str(folder),
                "files": files, "bytes": sources.total if sources else None,
                "source": sources.source if sources else None,
                "can_download": why_not is None, "why_not": why_not}

    def where_to_put(self, name):
        """One sentence: which files to put where, and where to get them."""
        offer = self.offer(name)
        origin = f" (from {offer['source']})" if offer["source"] else ""
        return (f"put its {len(offer['files'])} files {', '.join(offer['files'])}{origin} in "
                f"{offer['folder']} (gzipped or not), then choose {offer['title']} again")


@functools.lru_cache(maxsize=16)
def library(settings):
    """The Library of a server's settings (checked: a bad --dataset-dir or download table is
    a ValueError naming it)."""
    data_dir = (Path(settings.data_dir).expanduser() if settings.data_dir
                else default_data_dir())
    named = dict(parse_dataset_dir(text) for text in settings.dataset_dirs)
    folders = {name: named.get(name, data_dir / name)
               for name, spec in DATASETS.items() if spec.files}
    table = read_table(settings.download_table) if settings.download_table else TABLE
    return Library(data_dir, folders, frozenset(named), table, settings.downloads)


def file_dataset_asked(text):
    """The dataset read from files (MNIST, Fashion-MNIST) that a small `set` or `preset`
    message asks for, or None: a cheap look before the session applies it (ws.py)."""
    if len(text) > LIMITS["max_message_bytes"] or "mnist" not in text:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None  # the session says what is wrong with it
    if not isinstance(message, dict):
        return None
    if message.get("type") == "preset":
        from .presets import PRESETS

        preset = PRESETS.get(message.get("name")) if isinstance(message.get("name"), str) else None
        name = preset["config"].get("dataset") if preset else None
    elif message.get("type") == "set" and isinstance(message.get("config"), dict):
        name = message["config"].get("dataset")
    else:
        return None
    spec = DATASETS.get(name) if isinstance(name, str) else None
    return name if spec is not None and spec.files else None


async def read_ahead(settings, text):
    """Read the files of the dataset a message asks for in a worker thread, before the session
    applies it: the first read of MNIST takes about a second, and on the event loop it would
    stall every session. Later reads hit nncore's cache; missing files are left for the
    session to answer (missing_data)."""
    name = file_dataset_asked(text)
    if name is None:
        return
    folder = library(settings).folders.get(name)
    try:
        await asyncio.to_thread(datasets.read_files, name, folder)
    except (OSError, ValueError):  # missing or bad files: the command's reply says so
        pass


def missing_reply(settings, error, command):
    """The `error` reply to a command refused because a dataset's files are missing: code
    `missing_data`, the sentence, and `download`, the offer (with `retry`, the command to send
    again once the files are there: a `set` or a `preset`)."""
    lib = library(settings)
    name = error.dataset
    offer = lib.offer(name)
    title = offer["title"]
    if offer["can_download"]:
        message = (f"{title} is not on this server yet: download it ({_mb(offer['bytes'])} from "
                   f"{offer['source']}), or {lib.where_to_put(name)}")
    else:
        message = f"{title}'s files are not on this server ({offer['why_not']}): " + \
            lib.where_to_put(name)
    retry = (command.model_dump(exclude={"id"}) if command.type in ("set", "preset") else None)
    reply = replies.error_reply("missing_data", message, "dataset", name,
                                "a dataset whose files are on this server", command.type,
                                command.id)
    return {**reply, "download": {**offer, "retry": retry}}


def _mb(n):
    return f"{n / 1e6:.1f} MB"


# -- downloading -----------------------------------------------------------------------------
class DownloadError(Exception):
    """One URL did not give the file; `offline` when it could not be reached at all."""

    def __init__(self, message, offline=False):
        super().__init__(message)
        self.offline = offline


class Cancelled(Exception):
    pass


class Job:
    """One dataset's download into its folder, in a thread, shared by the sessions that asked.

    Events go to each subscribed session on its own event loop (call_soon_threadsafe), so the
    thread never touches a session directly."""

    def __init__(self, name, folder, sources, library):
        self.name, self.folder, self.sources, self.library = name, folder, sources, library
        self.title = DATASETS[name].title
        self.total = sources.total
        self.done_bytes = 0  # bytes of the files finished (verified and in place)
        self.bytes = 0  # ... and of the file under way
        self.state = "downloading"
        self.subscribers = {}  # session -> its event loop (None: push from this thread)
        self.cancelled = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, daemon=True,
                                       name=f"nnplay download {name}")

    def subscribe(self, session, loop):
        with self.lock:
            self.subscribers[session] = loop

    def unsubscribe(self, session):
        """The session stops waiting; the download is cancelled when nobody waits for it."""
        with self.lock:
            self.subscribers.pop(session, None)
            if not self.subscribers:
                self.cancelled.set()
            return not self.subscribers

    def event(self, state, message=None):
        return {"type": "download", "dataset": self.name, "state": state,
                "bytes": self.bytes, "total": self.total, "folder": str(self.folder),
                "message": message}

    def publish(self, event):
        with self.lock:
            targets = list(self.subscribers.items())
        for session, loop in targets:
            if loop is None:
                deliver(session, event)
            else:
                try:
                    loop.call_soon_threadsafe(deliver, session, event)
                except RuntimeError:  # that server's loop has stopped
                    pass

    # -- the thread ----------------------------------------------------------------------------
    def run(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_parts(self.folder)
            notes = []
            for source in self.sources.files:
                target = self.folder / source.name
                if target.is_file():
                    if _sha256(target) == source.sha256:
                        self.done_bytes += source.bytes
                        continue
                    target.unlink()
                    notes.append(f"{source.name} was there with another SHA-256 and was "
                                 "deleted")
                self.fetch(source, target)
            self.bytes = self.total
            try:  # read it now, here, so that the page's retry finds it read
                datasets.read_files(self.name, self.folder)
            except ValueError as e:  # the right bytes, yet not a dataset nncore can read
                raise DownloadError(f"the files are not readable as {self.title}: {e}") from None
            message = f"{self.title} is ready: {len(self.sources.files)} files in {self.folder}"
            self.finish("done", message + ("" if not notes else f" ({'; '.join(notes)})"))
        except Cancelled:
            self.finish("cancelled", f"the download of {self.title} was cancelled")
        except DownloadError as e:
            self.finish("failed", f"{self.title} could not be downloaded: {e}. "
                        + ("This machine seems to be offline: " if e.offline else "Instead, ")
                        + self.library.where_to_put(self.name))
        except OSError as e:  # the folder cannot be made or written
            self.finish("failed", f"{self.title} could not be saved in {self.folder}: "
                        f"{e.strerror or e}. Choose a folder nnplay can write to with "
                        f"--data-dir, or {self.library.where_to_put(self.name)}")

    def finish(self, state, message):
        self.state = state
        with _JOBS_LOCK:
            if _JOBS.get(str(self.folder)) is self:
                del _JOBS[str(self.folder)]
        self.publish(self.event(state, message))

    def fetch(self, source, target):
        """The file from its first URL that gives it whole and with its SHA-256."""
        problems = []
        for url in source.urls:
            try:
                self.fetch_from(url, source, target)
                self.done_bytes += source.bytes
                return
            except DownloadError as e:
                problems.append(e)
        offline = all(p.offline for p in problems)
        raise DownloadError("; ".join(str(p) for p in problems), offline)

    def fetch_from(self, url, source, target):
        part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        digest = hashlib.sha256()
        got = 0
        last = 0.0
        try:
            try:
                response = urllib.request.urlopen(url, timeout=TIMEOUT)
            except urllib.error.HTTPError as e:
                raise DownloadError(f"{url} answered {e.code} {e.reason}") from None
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                raise DownloadError(f"{urlsplit(url).netloc} could not be reached "
                                    f"({reason})", offline=True) from None
            with response, open(part, "wb") as out:
                declared = response.headers.get("Content-Length")
                if declared is not None and declared.isdigit() and int(declared) != source.bytes:
                    raise DownloadError(f"{url} is {declared} bytes, not the {source.bytes} "
                                        f"bytes {source.name} is")
                while True:
                    if self.cancelled.is_set():
                        raise Cancelled()
                    try:
                        chunk = response.read1(CHUNK)  # what has come, not a full CHUNK
                    except (OSError, ValueError) as e:
                        raise DownloadError(f"{url} broke off after {got} bytes ({e})") from None
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > source.bytes:
                        raise DownloadError(f"{url} sent more than the {source.bytes} bytes "
                                            f"{source.name} is; stopped")
                    digest.update(chunk)
                    out.write(chunk)
                    self.bytes = self.done_bytes + got
                    now = time.monotonic()
                    if now - last >= PROGRESS_SECONDS:
                        last = now
                        self.publish(self.event("downloading"))
            if got != source.bytes:
                raise DownloadError(f"{url} ended after {got} of {source.bytes} bytes")
            if digest.hexdigest() != source.sha256:
                raise DownloadError(f"{source.name} from {url} is not the expected file: its "
                                    f"SHA-256 is {digest.hexdigest()}, not {source.sha256}; "
                                    "it was deleted")
            os.replace(part, target)
            self.publish(self.event("downloading"))
        finally:
            part.unlink(missing_ok=True)


def deliver(session, event):
    """Push a download event to a session that has a client to read it (Session.tell)."""
    session.tell(event)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_stale_parts(folder):
    for part in folder.glob(".*.part"):
        try:
            if time.time() - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
        except OSError:
            pass


_JOBS = {}  # folder -> the Job downloading into it (one per folder in this process)
_JOBS_LOCK = threading.Lock()


def start(settings, name, session):
    """Download `name` for `session` (joining a download under way): the `applied` fields."""
    lib = library(settings)
    offer = lib.offer(name)
    folder = lib.folders[name]
    if files_present(name, folder):
        return {"dataset": name, "state": "done", "bytes": 0, "total": 0,
                "folder": str(folder), "joined": False}
    if not offer["can_download"]:
        raise replies.ProtocolError("invalid_value", f"{offer['title']} cannot be downloaded "
                                    f"here: {offer['why_not']}; {lib.where_to_put(name)}",
                                    "dataset", name, "a dataset this server downloads")
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a session driven without an event loop (a test)
        loop = None
    with _JOBS_LOCK:
        job = _JOBS.get(str(folder))
        joined = job is not None
        if job is None:
            job = _JOBS[str(folder)] = Job(name, folder, lib.table[name], lib)
            job.subscribe(session, loop)
            job.thread.start()
        else:
            job.subscribe(session, loop)
    return {"dataset": name, "state": "downloading", "bytes": job.bytes, "total": job.total,
            "folder": str(folder), "source": offer["source"], "joined": joined}


def cancel(settings, name, session):
    """`session` stops waiting for `name`'s download; it stops when nobody waits for it."""
    folder = library(settings).folders[name]
    with _JOBS_LOCK:
        job = _JOBS.get(str(folder))
        if job is None or session not in job.subscribers:
            raise replies.ProtocolError("illegal_state", f"this session is not downloading "
                                        f"{DATASETS[name].title}", "dataset", name,
                                        "a dataset this session is downloading")
        stopped = job.unsubscribe(session)
        if stopped:  # a new request starts afresh while this one cleans up after itself
            del _JOBS[str(folder)]
    return {"dataset": name, "state": "cancelled" if stopped else "downloading",
            "others_waiting": not stopped}


def files_present(name, folder):
    """Whether every file the dataset is read from is in `folder` (gzipped or not)."""
    return all(any((folder / n).is_file() for n in (stem, stem + ".gz"))
               for stem in DATASETS[name].files)


@atexit.register
def _stop_downloads():
    """At exit: cancel the downloads under way and give them a moment to remove their
    temporary files."""
    with _JOBS_LOCK:
        jobs = list(_JOBS.values())
    for job in jobs:
        job.cancelled.set()
    for job in jobs:
        job.thread.join(timeout=1.0)
