"""The `nnplay` command: start the server on a free port and open the page.

    nnplay [--host 127.0.0.1] [--port 8000] [--no-browser] [--log-level info]
           [--max-sessions 32] [--allow-origin URL ...] [--version]
"""

import argparse
import errno
import ipaddress
import logging
import os
import socket
import sys
import threading
import webbrowser

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


def parser():
    p = argparse.ArgumentParser(prog="nnplay", description="A neural-network playground whose "
                                "training loop is real Python and NumPy.")
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=port_number, default=8000,
                   help="port to try first; the next free one is taken if it is busy "
                   "(0 lets the system pick; default 8000)")
    p.add_argument("--no-browser", action="store_true", help="do not open the browser")
    p.add_argument("--log-level", choices=LOG_LEVELS, default="info", type=str.lower,
                   help="server log level (default info)")
    p.add_argument("--max-sessions", type=positive_int, default=32,
                   help="concurrent training sessions allowed (default 32)")
    p.add_argument("--allow-origin", action="append", default=[], metavar="URL",
                   help="also accept websocket connections from this page origin "
                   "(repeatable; '*' for any)")
    p.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    return p


def bind(host, port):
    """A listening socket on host:port, or the next free port; (socket, note about it)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise SystemExit(f"nnplay: --host {host!r} cannot be resolved: {e.strerror}") from None
    family = infos[0][0]
    tries = 1 if port == 0 else PORT_TRIES
    for candidate in range(port, min(port + tries, 65536)):
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they
        # are TCP, and with Nagle on, a frame written just after a reply waited ~40 ms for
        # the client's delayed ACK. NODELAY is set here too; accepted sockets inherit it.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host, candidate))
        except OSError as e:
            sock.close()
            if e.errno == errno.EADDRINUSE:
                continue
            raise SystemExit(f"nnplay: cannot listen on {host}:{candidate}: {e.strerror}") from None
        sock.listen(128)
        sock.set_inheritable(True)
        actual = sock.getsockname()[1]
        note = None
        if port and actual != port:
            note = f"port {port} is taken; using {actual} instead"
        return sock, note
    raise SystemExit(f"nnplay: ports {port} to {port + tries - 1} are all taken; "
                     "choose another with --port (or --port 0)")


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def single_threaded_blas():
    """One BLAS thread: a session's matrices are small, and an idle BLAS pool spins on the
    other core after every large product, which halved training speed in bench/server.py.
    Must run before NumPy is imported; an explicit setting in the environment wins."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def main(argv=None):
    args = parser().parse_args(argv)
    single_threaded_blas()
    import uvicorn

    from .limits import TRANSPORT_MAX_BYTES
    from .main import create_app
    from .settings import Settings

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("nnplay: %(levelname)s %(message)s"))
    app_log = logging.getLogger("nnplay")
    app_log.addHandler(handler)
    app_log.setLevel("DEBUG" if args.log_level == "trace" else args.log_level.upper())
    settings = Settings.from_env(host=args.host, port=args.port,
                                 open_browser=not args.no_browser, log_level=args.log_level,
                                 max_sessions=args.max_sessions,
                                 allowed_origins=tuple(args.allow_origin))
    sock, note = bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown_host}:{port}/"
    if note:
        print(f"nnplay: {note}")
    if not is_loopback(args.host):
        print(f"nnplay: WARNING: listening on {args.host}: anyone who can reach this machine "
              "on the network can open the page and train on this server")
    print(f"nnplay: serving on {url}  (Ctrl+C stops)", flush=True)
    config = uvicorn.Config(create_app(settings), log_level=args.log_level,
                            ws="websockets-sansio", ws_per_message_deflate=False,
                            ws_max_size=TRANSPORT_MAX_BYTES,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    if settings.open_browser:
        def open_when_ready():
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                webbrowser.open(url)
        threading.Thread(target=open_when_ready, daemon=True).start()
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
