"""The `nnplay` command: start the server on a free port and open the page.

    nnplay [--host 127.0.0.1] [--port 8000] [--no-browser] [--log-level info] [--classroom]
           [--max-sessions 32] [--room-size 200] [--allow-host NAME ...]
           [--allow-origin URL ...]
           [--data-dir DIR] [--dataset-dir NAME=DIR ...] [--no-downloads]
           [--download-table FILE] [--no-save] [--workers N] [--ray-address ADDR]
           [--version]
    nnplay runs list [--data-dir DIR]
    nnplay runs export ID [-o FILE] [--data-dir DIR]
    nnplay runs delete ID [--data-dir DIR]

Ctrl+C stops it (exit status 0). `nnplay runs` reads the saved runs of the data folder (the
server may be running meanwhile): an exported run is the file the page's Load opens.
"""

import argparse
import errno
import logging
import os
import socket
import sys
import threading
import webbrowser
from dataclasses import replace
from pathlib import Path

from .paths import VERSION

PORT_TRIES = 20
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def port_number(text):
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return value


def workers_count(text):
    from .cluster import parse_workers
    return checked(parse_workers)(text)


def checked(check, keep_text=False):
    """An argparse type from a checker that raises ValueError: the message becomes the
    flag's error; the value is what the checker returns, or the text as typed."""
    def convert(text):
        try:
            value = check(text)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        return text if keep_text else value
    return convert


def room_size(text):
    from .rooms import check_room_size
    return checked(check_room_size)(text)


def allowed_host(text):
    from .security import host_name
    return checked(host_name)(text)


def allowed_origin(text):
    from .security import origin_key
    return checked(origin_key, keep_text=True)(text)


def dataset_dir(text):
    from .downloads import parse_dataset_dir
    return checked(parse_dataset_dir, keep_text=True)(text)


def parser():
    p = argparse.ArgumentParser(prog="nnplay", description="A neural-network playground whose "
                                "training loop is real Python and NumPy.",
                                epilog="The saved runs: nnplay runs list | export ID [-o FILE] "
                                "| delete ID (nnplay runs --help).")
    p.add_argument("--host", default=None,
                   help="interface to listen on (default 127.0.0.1, this machine only; with "
                   "--classroom, this machine's network address)")
    p.add_argument("--port", type=port_number, default=8000,
                   help="port to try first; the next free one is taken if it is busy "
                   "(0 lets the system pick; default 8000)")
    p.add_argument("--no-browser", action="store_true", help="do not open the browser")
    p.add_argument("--classroom", action="store_true",
                   help="teach a class: listen on this machine's network address too, so that "
                   "students' computers join at http://ADDRESS:PORT/join with the code the "
                   "page shows; the first page opened on this machine starts the class "
                   "(docs/classroom.md)")
    p.add_argument("--log-level", choices=LOG_LEVELS, default="info", type=str.lower,
                   help="server log level (default info)")
    p.add_argument("--max-sessions", type=positive_int, default=32,
                   help="training sessions held at once (default 32); when full, the one "
                   "whose client left longest ago makes room for a newcomer")
    p.add_argument("--room-size", type=room_size, default=None, metavar="N",
                   help="students one classroom room takes (1 to 1000; default 200, or "
                   "NNPLAY_MAX_ROOM_SIZE)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   type=allowed_host,
                   help="also answer requests for this name or address (the Host header), "
                   "e.g. a name of this machine on the network; repeatable. By default only "
                   "localhost, loopback addresses, the --host and the address a request "
                   "arrives on are answered (a defence against DNS rebinding)")
    p.add_argument("--allow-origin", action="append", default=[], metavar="URL",
                   type=allowed_origin,
                   help="also accept websocket connections from this page origin, "
                   "scheme://host[:port] (repeatable; '*' for any)")
    p.add_argument("--data-dir", metavar="DIR", default=None, help=DATA_DIR_HELP)
    p.add_argument("--dataset-dir", action="append", default=[], metavar="NAME=DIR",
                   type=dataset_dir,
                   help="read a dataset's files from a folder of yours, as it is (nnplay never "
                   "downloads into it), e.g. mnist=~/data/mnist; repeatable")
    p.add_argument("--no-downloads", action="store_true",
                   help="never download a dataset; a page that picks one whose files are "
                   "missing is told where to put them (or NNPLAY_DOWNLOADS=0)")
    p.add_argument("--download-table", metavar="FILE", default=None,
                   help="a JSON file of download sources (URLs, sizes, SHA-256 sums) that "
                   "replaces the built-in one: a mirror, or a test's local server")
    p.add_argument("--no-save", action="store_true",
                   help="do not save runs: a restart or a crash loses them (or NNPLAY_SAVE=0)")
    cluster = p.add_argument_group("sessions on Ray workers (pip install 'nnplay[cluster]'; "
                                   "docs/scaling.md)")
    cluster.add_argument("--workers", type=workers_count, default=None, metavar="N",
                         help="run sessions in N worker processes (1 to 64) of a local Ray "
                         "that nnplay starts; with --ray-address, the session hosts to keep on "
                         "the cluster (default: one per CPU)")
    cluster.add_argument("--ray-address", metavar="ADDR", default=None,
                         help="join the Ray cluster at ADDR (HOST:PORT, as `ray start --head` "
                         "prints) and run sessions on its workers")
    p.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    return p


DATA_DIR_HELP = ("where saved runs (runs.sqlite3) and the datasets read from files (MNIST, "
                 "Fashion-MNIST, each in a folder of its name) are kept (default: the user's "
                 "data folder, e.g. ~/.local/share/nnplay; or NNPLAY_DATA_DIR)")


def runs_parser():
    p = argparse.ArgumentParser(prog="nnplay runs", description="The runs nnplay has saved: "
                                "list them, export one as the file the page's Load opens, or "
                                "delete one.")
    p.add_argument("--data-dir", metavar="DIR", default=None, help=DATA_DIR_HELP)
    verbs = p.add_subparsers(dest="verb", required=True, metavar="{list,export,delete}")
    verbs.add_parser("list", help="the saved runs, newest first")
    export = verbs.add_parser("export", help="write a run as a saved-run file")
    export.add_argument("id", metavar="ID", help="a run's ID, as `nnplay runs list` shows it")
    export.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="the file to write (default: standard output)")
    delete = verbs.add_parser("delete", help="delete a saved run")
    delete.add_argument("id", metavar="ID", help="a run's ID, as `nnplay runs list` shows it")
    for sub in (export, delete):
        sub.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                         help=argparse.SUPPRESS)
    verbs.choices["list"].add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                                       help=argparse.SUPPRESS)
    return p


def bind(hosts, port):
    """Listening sockets on each of `hosts`, all on `port` or on the next port free on every
    one of them; (sockets, note about the port)."""
    families = []
    for host in hosts:
        try:
            families.append(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0])
        except socket.gaierror as e:
            raise SystemExit(f"nnplay: --host {host!r} cannot be resolved: {e.strerror}") from None
    for attempt in range(PORT_TRIES):
        candidate = port + attempt if port else 0  # 0: the system picks, for the first host
        if candidate > 65535:
            break
        sockets = []
        try:
            for host, family in zip(hosts, families):
                sockets.append(listen(family, host, candidate))
                candidate = sockets[0].getsockname()[1]  # the others: the first one's port
        except OSError as e:
            for sock in sockets:
                sock.close()
            if e.errno == errno.EADDRINUSE and candidate < 65535:
                continue
            raise SystemExit(f"nnplay: cannot listen on {host}:{candidate}: {e.strerror}") from None
        actual = sockets[0].getsockname()[1]
        note = None
        if port and actual != port:
            note = f"port {port} is taken; using {actual} instead"
        return sockets, note
    last = f"{port} to {port + PORT_TRIES - 1}" if port else "the system chose"
    raise SystemExit(f"nnplay: ports {last} are all taken; choose another with --port "
                     "(or --port 0)")


def listen(family, host, port):
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they are
    # TCP, and with Nagle on, a frame written just after a reply waited ~40 ms for the
    # client's delayed ACK. NODELAY is set here too; accepted sockets inherit it.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def network_address():
    """This machine's address on its network, found without sending anything: the address of
    the interface a UDP socket "connected" to a private address would use (connecting a UDP
    socket only picks a route), else what the host name resolves to; None when both are
    loopback (no network)."""
    candidates = []
    for target in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 9))
                candidates.append(probe.getsockname()[0])
            except OSError:  # no route to that network
                continue
    try:
        candidates.append(socket.gethostbyname(socket.gethostname()))
    except OSError:
        pass
    for address in candidates:
        if address not in ("0.0.0.0", "") and not is_loopback_address(address):
            return address
    return None


def is_loopback_address(host):
    from .security import is_loopback
    return is_loopback(host.strip("[]"))


def classroom_hosts(args, parser):
    """(addresses to listen on, the address students open) for --classroom; a parser error
    naming the flags for a combination that cannot teach a class."""
    host = args.host
    if host is not None and is_loopback_address(host):
        parser.error(f"--classroom listens on the network, and --host {host} is this machine "
                     "only: students could not join. Drop --host (nnplay finds this machine's "
                     "network address), or give that address, e.g. --host 192.168.1.10")
    address = network_address() if host in (None, *EVERY_INTERFACE) else host
    if address is None:
        parser.error("--classroom found no network address on this machine (is it connected "
                     "to a network?); give it with --host ADDRESS")
    if host in EVERY_INTERFACE:
        return [host], address  # every interface: loopback included
    return [address, "::1" if ":" in address else "127.0.0.1"], address


EVERY_INTERFACE = ("", "0.0.0.0", "::")


def page_host(host):
    """The host of the page's URL. Listening on every interface (0.0.0.0, ::, '') names no
    host a browser should open, and nnplay does not answer to it (security.py): this machine's
    loopback address is shown instead."""
    if host in EVERY_INTERFACE:
        return "[::1]" if host == "::" else "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def single_threaded_blas():
    """One BLAS thread: a session's matrices are small, and an idle BLAS pool spins on the
    other core after every large product, which halved training speed in bench/server.py.
    Must run before NumPy is imported; an explicit setting in the environment wins."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def main(argv=None):
    from .settings import Settings

    single_threaded_blas()  # first: checking --allow-host imports the app, and NumPy with it
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["runs"]:
        return runs(runs_parser().parse_args(argv[1:]))
    p = parser()
    args = p.parse_args(argv)
    try:
        args.classroom = args.classroom or Settings.from_env().classroom  # or NNPLAY_CLASSROOM=1
    except ValueError as e:  # a bad NNPLAY_* value, named by the message
        raise SystemExit(f"nnplay: {e}") from None
    if args.classroom:
        args.hosts, args.join_host = classroom_hosts(args, p)
    else:
        args.hosts, args.join_host = [args.host or "127.0.0.1"], ""
    try:
        started = serve(args)
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has shut down cleanly, then raised it again
        started = True
    if not started:
        return 1  # uvicorn has said why
    print("nnplay: stopped", flush=True)
    return 0


def serve(args):
    """Run the server until a signal stops it; whether it had started."""
    import uvicorn

    from .downloads import library
    from .limits import TRANSPORT_MAX_BYTES
    from .logs import install_filters
    from .main import create_app
    from .security import is_loopback
    from .settings import Settings

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("nnplay: %(levelname)s %(message)s"))
    app_log = logging.getLogger("nnplay")
    app_log.addHandler(handler)
    app_log.setLevel("DEBUG" if args.log_level == "trace" else args.log_level.upper())
    try:
        env = Settings.from_env()
        settings = replace(env, host=args.hosts[0], port=args.port,
                           classroom=args.classroom, join_host=args.join_host,
                           open_browser=not args.no_browser, log_level=args.log_level,
                           max_sessions=args.max_sessions,
                           max_room_size=args.room_size or env.max_room_size,
                           allowed_hosts=env.allowed_hosts + tuple(args.allow_host),
                           allowed_origins=env.allowed_origins + tuple(args.allow_origin),
                           data_dir=args.data_dir or env.data_dir,
                           dataset_dirs=env.dataset_dirs + tuple(args.dataset_dir),
                           downloads=env.downloads and not args.no_downloads,
                           download_table=args.download_table or env.download_table,
                           save=env.save and not args.no_save,
                           workers=args.workers or env.workers,
                           ray_address=args.ray_address or env.ray_address)
        library(settings)  # the data folders and the download table, checked now
        app = create_app(settings)
    except ValueError as e:  # a bad NNPLAY_* value, named by the message
        raise SystemExit(f"nnplay: {e}") from None
    sockets, note = bind(args.hosts, args.port)
    port = sockets[0].getsockname()[1]
    host = args.hosts[0]
    url = f"http://{page_host(args.hosts[-1])}:{port}/"
    if note:
        print(f"nnplay: {note}")
    if args.classroom:
        join = f"http://{page_host(args.join_host)}:{port}/join"
        where = " (and on every other interface)" if host in EVERY_INTERFACE else ""
        print(f"nnplay: classroom: listening on the network at {args.join_host}{where} (port "
              f"{port}); students open {join} and type the class's code, or {join}/CODE")
    elif not is_loopback(host):
        print(f"nnplay: WARNING: listening on {host}: anyone who can reach this machine "
              "on the network can open the page and train on this server")
        if host in EVERY_INTERFACE:
            print(f"nnplay: other machines open it by this machine's address "
                  f"(http://ADDRESS:{port}/); to open it by a name, add --allow-host NAME")
    print(f"nnplay: serving on {url}  (Ctrl+C stops)", flush=True)
    config = uvicorn.Config(app, log_level=args.log_level,
                            ws="websockets-sansio", ws_per_message_deflate=False,
                            ws_max_size=TRANSPORT_MAX_BYTES,
                            timeout_graceful_shutdown=2)
    install_filters()  # after uvicorn.Config, which configures uvicorn's loggers
    server = uvicorn.Server(config)
    if settings.open_browser:
        def open_when_ready():
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                webbrowser.open(url)
        threading.Thread(target=open_when_ready, daemon=True).start()
    server.run(sockets=sockets)
    return server.started


def runs(args):
    """`nnplay runs ...`: 0 when done, 1 when the run asked for is not there."""
    import json
    import time

    from .checkpoints import data_folder
    from .runstore import RunStore
    from .settings import Settings

    try:
        env = Settings.from_env()
        settings = replace(env, data_dir=args.data_dir or env.data_dir)
        folder = data_folder(settings)
    except ValueError as e:
        raise SystemExit(f"nnplay: {e}") from None
    if not (folder / "runs.sqlite3").exists():
        if args.verb == "list":
            print(f"no saved runs in {folder}")
            return 0
        print(f"nnplay: no saved runs in {folder}", file=sys.stderr)
        return 1
    store = RunStore(folder, max_age_days=settings.runs_max_age_days,
                     max_bytes=int(settings.runs_max_mb * 1024 * 1024))
    try:
        if args.verb == "list":
            rows = store.runs(limit=1000)
            if not rows:
                print(f"no saved runs in {folder}")
            for r in rows:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["updated"]))
                print(f"{r['id']:<14} {when}  step {r['step']:>9,}  {r['state']:<8} "
                      f"{r['size'] / 1024:>8.1f} KiB  {r['title']}")
            return 0
        run = store.load_id(args.id)
        if run is None:
            print(f"nnplay: no saved run with ID {args.id!r} in {folder} (`nnplay runs list` "
                  "shows them)", file=sys.stderr)
            return 1
        if args.verb == "delete":
            store.delete(args.id)
            print(f"deleted run {args.id} ({run['title']}, step {run['step']:,})")
            return 0
        text = json.dumps(run["export"], allow_nan=False)
        if args.output is None:
            sys.stdout.write(text + "\n")
        else:
            Path(args.output).expanduser().write_text(text)
            print(f"wrote {args.output}: {run['title']}, step {run['step']:,} (the page's "
                  "Load opens it)", file=sys.stderr)
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
