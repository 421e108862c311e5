"""How students reach a class: the address the teacher's page shows them, and its QR code.

    GET /api/rooms/{code}/qr.svg   Authorization: Bearer TEACHER_TOKEN   the join URL as a QR code

The join URL is `ORIGIN/join/CODE` (pages.py serves it). ORIGIN is where students' computers
reach this server: with `nnplay --classroom`, this machine's network address (`join_host`, which
the CLI finds) on the port the request came in on; otherwise the page's own origin (its Host,
which security.py has checked).

The QR code is drawn by segno (pure Python, no dependencies), an optional extra:
`pip install 'nnplay[classroom]'`. Without it the route answers 501 `qr_unavailable` and the
page shows the code and the URL with one line saying how to add the QR. It needs the teacher
token, as the roster does: a route that answered anyone would tell a guesser which codes are
open, past the join route's limit on wrong codes.
"""

import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from .deps import RoomsDep
from .rooms_api import teachers

router = APIRouter()
QR_MISSING = "pip install 'nnplay[classroom]' adds the QR code"


def join_origin(request):
    """scheme://host:port that students' computers open (see the module's docstring)."""
    host = request.app.state.settings.join_host
    if not host:
        return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    server = request.scope.get("server") or (None, request.url.port)
    name = f"[{host}]" if ":" in host else host
    return f"{request.url.scheme}://{name}:{server[1]}"


def qr_available():
    try:
        import segno  # noqa: F401
    except ImportError:
        return False
    return True


def qr_svg(text):
    """A QR code of `text` as an SVG document: black on white, a quiet zone of 4 modules (as
    the standard asks), sized by its viewBox so that the page scales it."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        out, kind="svg", scale=1, border=4, xmldecl=False, omitsize=True, dark="#000",
        light="#fff", title="QR code of the class's join address")
    return out.getvalue()


@router.get("/api/rooms/{code}/qr.svg")
async def room_qr(code: str, request: Request, rooms: RoomsDep):
    room = teachers(rooms, code, request)
    if not qr_available():
        raise HTTPException(501, {"code": "qr_unavailable", "field": "server",
                                  "value": "segno", "allowed": "segno installed",
                                  "message": f"this nnplay has no QR codes: {QR_MISSING}"})
    return Response(qr_svg(f"{join_origin(request)}/join/{room.shown}"),
                    media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
