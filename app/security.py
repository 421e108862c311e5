"""Who may talk to nnplay: the names it is served as, the page origins that follow from them,
and the response headers that keep its page to itself.

DNS rebinding: a page at evil.example makes its own name resolve to 127.0.0.1; the browser then
treats this server as evil.example's and sends `Host: evil.example` (and, on a websocket,
`Origin: http://evil.example`). So a request is served only when its Host names nnplay, as
Jupyter's host check and Vite's `server.allowedHosts` do, and the websocket's Origin is checked
against those same names, never against the request's own Host, which the attacker chose.

A Host is allowed when its name (any port) is
  - `localhost` or a loopback address (127.0.0.1, [::1]);
  - the address the connection arrived on (the ASGI scope's `server`, the listening socket's
    own address, which no request can change): the page at http://192.168.1.10:8000/ is this
    server's own page, so a server listening on 0.0.0.0 answers to its addresses by number;
  - the configured `--host`, unless it is 0.0.0.0 or :: (which name no one);
  - a name given with `--allow-host` (NNPLAY_ALLOWED_HOSTS), or added at run time with
    `AllowedHosts.add`: the hook for a mode that listens on another address (the classroom).
An Origin is allowed when it is listed with `--allow-origin` (or that list holds `*`), or when it
is http or https on an allowed name and on the port the connection arrived on.
"""

import ipaddress
import logging
import re
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.websockets import WebSocket

from . import replies

log = logging.getLogger("nnplay")

# A Host header: a name or IPv4 address, or an IPv6 address in brackets; then maybe a port.
HOST = re.compile(r"(?P<name>[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?", re.I)
CSP_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*")  # CSP has no syntax for [IPv6] or _ in names
EVERY_INTERFACE = {"0.0.0.0", "[::]"}  # bind addresses, not names a browser opens
DEFAULT_PORTS = {"http": 80, "https": 443}
WS_1008_POLICY_VIOLATION = 1008


def split_host(header):
    """(name, port or None) of a Host header, the name lowercased, without a trailing dot and
    IPv6 compressed in brackets ('[::1]'); None when it is not a valid Host."""
    m = HOST.fullmatch(header or "")
    if m is None:
        return None
    name, port = m["name"].lower().rstrip("."), m["port"]
    if name.startswith("["):
        try:
            name = f"[{ipaddress.IPv6Address(name[1:-1]).compressed}]"
        except ValueError:
            return None
    if not name.strip("."):
        return None
    if port is not None and int(port) > 65535:
        return None
    return name, None if port is None else int(port)


def host_name(text):
    """A name as --allow-host takes it (bare IPv6 allowed), in split_host's form; ValueError
    naming the value when it is not a host name."""
    text = str(text).strip()
    bracketed = f"[{text}]" if ":" in text and not text.startswith("[") else text
    parsed = split_host(bracketed)
    if parsed is None or parsed[1] is not None:
        raise ValueError(f"{text!r} is not a host name: give a name or an IP address alone, "
                         "without scheme or port (e.g. nnplay.lan or 192.168.1.10)")
    return parsed[0]


def split_origin(origin):
    """(scheme, name, port) of an http(s) Origin such as http://localhost:8000; None otherwise
    (an opaque 'null', another scheme, a path, user info)."""
    try:
        parts = urlsplit(origin or "")
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/") or parts.query:
        return None
    host = split_host(parts.netloc)
    if host is None:
        return None
    name, port = host
    return parts.scheme, name, DEFAULT_PORTS[parts.scheme] if port is None else port


def origin_key(origin):
    """An --allow-origin value in the form origins are compared in ('*' stays '*'); ValueError
    naming the value when it is not an http(s) origin."""
    if origin == "*":
        return origin
    parsed = split_origin(origin)
    if parsed is None:
        raise ValueError(f"{origin!r} is not a page origin: give scheme://host[:port], e.g. "
                         "http://teacher.example:8000, or '*' for any")
    return "{}://{}:{}".format(*parsed)


def is_loopback(name):
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def own_address(server):
    """The ASGI scope's `server` (the listening socket's address, port) as (name, port): an
    IPv6 zone dropped (a Host never has one) and an IPv4 client of a dual-stack socket
    (::ffff:192.168.1.10) named as IPv4, as its browser does."""
    if not server or server[1] is None:
        return None, None
    address = str(server[0]).split("%")[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a name: Starlette's TestClient serves as 'testserver'
        ip = None
    if ip is not None and ip.version == 6 and ip.ipv4_mapped is not None:
        address = str(ip.ipv4_mapped)
    try:
        return host_name(address), server[1]
    except ValueError:
        return None, None


class AllowedHosts:
    """The names nnplay is served as and the origins allowed to open its websocket.

    One instance per app (`app.state.hosts`), read by AllowedHostsMiddleware and the websocket
    route on every request, so a name added with `add` while serving counts at once."""

    def __init__(self, names=(), origins=()):
        self.names = set()
        for name in names:
            self.add(name)
        self.origins = {origin_key(o) for o in origins}

    @classmethod
    def from_settings(cls, settings):
        return cls((settings.host, *settings.allowed_hosts), settings.allowed_origins)

    def add(self, name):
        """Answer to one more name; the name as it is compared, or None for a bind address
        such as 0.0.0.0, which names no one."""
        if not str(name).strip():  # --host '': every interface
            return None
        name = host_name(name)
        if name in EVERY_INTERFACE:
            return None
        self.names.add(name)
        return name

    def allows_name(self, name, server=None):
        return (name in self.names or is_loopback(name)
                or (name is not None and name == own_address(server)[0]))

    def allows_host(self, header, server=None):
        """Whether a request with this Host header, arriving at `server`, is for nnplay."""
        parsed = split_host(header)
        return parsed is not None and self.allows_name(parsed[0], server)

    def allows_origin(self, origin, server=None):
        """Whether a page of this origin may open the websocket that arrived at `server`."""
        if "*" in self.origins:
            return True
        parsed = split_origin(origin)
        if parsed is None:
            return False
        scheme, name, port = parsed
        if f"{scheme}://{name}:{port}" in self.origins:
            return True
        return port == own_address(server)[1] and self.allows_name(name, server)


def refusal(header, server=None):
    """The text a refused request gets: the Host it named, and how to allow it."""
    port = own_address(server)[1]
    where = f"http://localhost:{port}/" if port else "http://localhost:PORT/"
    parsed = split_host(header)
    if parsed is None:
        return (f"nnplay refused this request: its Host header is missing or not valid. "
                f"Open nnplay at {where}\n")
    name = parsed[0]
    return (f"nnplay refused this request: it is not served as {name!r} (the Host header). "
            f"Open it at {where}, or, if {name} is a name of this machine, start nnplay with "
            f"--allow-host {name}\n")


class AllowedHostsMiddleware:
    """Pure ASGI middleware: a request whose Host is not one nnplay is served as gets 400 (an
    HTTP request) or is closed with 1008 after an `error` (a websocket), before any route or
    session sees it. Starlette's TrustedHostMiddleware is not used: its list is fixed when the
    app is built, and it answers a websocket with an HTTP 400 that a page cannot read."""

    def __init__(self, app, hosts):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        if self.hosts.allows_host(host, scope.get("server")):
            await self.app(scope, receive, send)
            return
        message = refusal(host, scope.get("server"))
        log.debug("refused a request for Host %r", (host or "")[:100])
        if scope["type"] == "http":
            await PlainTextResponse(message, status_code=400)(scope, receive, send)
            return
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        name = (split_host(host) or (None,))[0]
        await websocket.send_json(replies.error_reply("forbidden_host", message.strip(),
                                                       "host", name))
        await websocket.close(code=WS_1008_POLICY_VIOLATION, reason="forbidden_host")


# Routes for this machine only: what a client from another machine (a student's laptop, when
# nnplay listens beyond loopback) must not reach. Its own room is all such a client reaches:
# /ws?student=, /api/rooms/join, and the page and its files.
LOCAL_ONLY = ("/api/stats", "/api/runs", "/api/runs/delete", "/api/runs/compare",
              "/api/cluster", "/api/rooms", "/api/sweeps", "/api/sweeps/status",
              "/api/sweeps/cancel", "/api/sweeps/csv")


def is_local_client(client):
    """Whether a request's client (the ASGI scope's `client`) is this machine: a loopback
    address (IPv4-mapped ones too), or no network address at all: a Unix socket, or the app
    called in process (Starlette's TestClient names its client 'testclient'). A connection
    over TCP always has an IP address here; uvicorn takes a forwarded one (X-Forwarded-For)
    only from a proxy on this machine (its --forwarded-allow-ips)."""
    if not client or not client[0]:
        return True
    try:
        ip = ipaddress.ip_address(str(client[0]).split("%")[0])
    except ValueError:
        return True
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


class LocalOnlyMiddleware:
    """Pure ASGI middleware: a request for one of `paths` (exact paths, any method) from a
    client that is not this machine gets 403 naming why, before any route sees it. One list
    for the routes in process and those of a cluster (app/cluster), which take their places."""

    def __init__(self, app, paths=LOCAL_ONLY):
        self.app, self.paths = app, frozenset(paths)

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and scope["path"] in self.paths
                and not is_local_client(scope.get("client"))):
            address = str(scope["client"][0])
            log.debug("refused %s to a client at %s", scope["path"], address)
            detail = {"code": "local_only", "field": "client", "value": address,
                      "allowed": "a client on the machine nnplay runs on (a loopback address)",
                      "message": f"{scope['path']} answers only the machine nnplay runs on; "
                                 f"this request came from {address}. A student reaches "
                                 "their room: POST /api/rooms/join, then /ws?student=TOKEN"}
            await JSONResponse({"detail": detail}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def content_security_policy(host=None):
    """Only the page's own origin: its modules and styles from /static, its fetches and its
    websocket to itself (ws:// and wss:// named too where CSP can spell the host: browsers
    before CSP 3, older Safari among them, do not count them as 'self'), no plugins, no <base>,
    and no framing."""
    parsed = split_host(host)
    sockets = ""
    if parsed is not None and CSP_HOST.fullmatch(parsed[0]):  # nothing to inject: no ; or space
        sockets = f" ws://{host} wss://{host}".lower()
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a file is only what its Content-Type says
    "Referrer-Policy": "no-referrer",  # links out never carry the page's address
    "X-Frame-Options": "DENY",  # frame-ancestors 'none', for browsers without CSP 2
    "Cross-Origin-Resource-Policy": "same-origin",  # no other site embeds nnplay's files
}


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: every HTTP response carries the Content-Security-Policy and the
    SECURITY_HEADERS (a header a route sets itself is kept)."""

    def __init__(self, app, hosts):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host")
        served = self.hosts.allows_host(host, scope.get("server"))
        policy = content_security_policy(host if served else None)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
