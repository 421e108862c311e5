"""Server settings: a small frozen dataclass read from CLI flags and NNPLAY_* variables."""

import os
from dataclasses import dataclass, field, fields, replace


CHOICES = {"pack_frames": ("auto", "always", "never")}  # fields that take one of a few words


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # interface to bind
    port: int = 8000  # first port to try (0: the system picks)
    open_browser: bool = True  # open the page in the default browser on start
    log_level: str = "info"  # uvicorn's log level
    max_sessions: int = 32  # sessions held; a full server evicts the longest-detached one
    resume_seconds: float = 60.0  # how long a dropped session waits for its client
    allowed_hosts: tuple = field(default_factory=tuple)  # extra names it is served as (Host)
    allowed_origins: tuple = field(default_factory=tuple)  # extra websocket origins allowed
    messages_per_second: float = 50.0  # sustained command rate per session
    message_burst: int = 200  # commands allowed in a burst above that rate
    inbound_bytes_per_second: float = 256 * 1024.0  # what a client may send, sustained ...
    inbound_bytes_burst: int = 16 * 1024 * 1024  # ... and at once (the largest import passes)
    write_timeout: float = 20.0  # seconds a client may take to take one message: then it's gone
    # Frames' maps packed (frames.encode_planes): "auto" for clients on another machine,
    # "always" or "never" (NNPLAY_PACK_FRAMES).
    pack_frames: str = "auto"
    # Rooms (app/rooms.py, docs/classroom.md): a teacher's session that a class follows.
    max_room_size: int = 200  # students one room takes (--room-size; 1 to 1000)
    max_rooms: int = 16  # rooms open on one server at once
    classroom: bool = False  # --classroom: on the network for a class (the first page opens one)
    join_host: str = ""  # the address students open (this machine's on the network; "": the page's)
    # Datasets read from files (MNIST, Fashion-MNIST): see app/downloads.py.
    data_dir: str = ""  # where they are kept, each in a folder of its name ("": the user's)
    dataset_dirs: tuple = field(default_factory=tuple)  # "name=DIR": read from DIR, as it is
    downloads: bool = True  # fetch a missing one from its canonical source when a page asks
    download_table: str = ""  # a JSON file that replaces the built-in sources (mirrors, tests)
    # Saved runs (app/checkpoints.py): a SQLite database in the data folder.
    save: bool = True  # save every session's run, so that it survives a restart or a crash
    checkpoint_seconds: float = 5.0  # while training, a run is saved at most this often
    runs_max_age_days: float = 30.0  # a saved run not touched for this long is deleted ...
    runs_max_mb: float = 512.0  # ... and the oldest go first when all of them pass this size
    # Sessions on Ray (app/cluster, docs/scaling.md); neither set: sessions in this process.
    workers: int = 0  # session hosts: worker processes of a local Ray (1 to 64), or on a cluster
    ray_address: str = ""  # join this Ray cluster ("HOST:PORT" of `ray start --head`)
    cluster_checkpoints_mb: float = 256.0  # the cluster's checkpoint store: oldest go past this

    @classmethod
    def from_env(cls, environ=None, **overrides):
        """Settings from NNPLAY_<FIELD> variables (e.g. NNPLAY_MAX_SESSIONS=8, NNPLAY_DATA_DIR,
        NNPLAY_DOWNLOADS=0), then overrides."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f"NNPLAY_{f.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls(), f.name)
            try:
                if isinstance(default, bool):
                    if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                        raise ValueError("expected 1/0, true/false or yes/no")
                    values[f.name] = raw.lower() in ("1", "true", "yes")
                elif isinstance(default, tuple):
                    values[f.name] = tuple(v.strip() for v in raw.split(",") if v.strip())
                else:
                    values[f.name] = type(default)(raw)
                allowed = CHOICES.get(f.name)
                if allowed is not None and values[f.name] not in allowed:
                    raise ValueError(f"expected one of {', '.join(allowed)}")
            except ValueError as e:
                raise ValueError(f"NNPLAY_{f.name.upper()}={raw!r} is not valid: {e}") from None
        return replace(cls(), **{**values, **overrides})
