"""The page, the join page of a class, and the health check.

`/` is the playground. `/join` and `/join/{code}` are the same page in student mode
(docs/classroom.md): a small form for the code and a display name, then the teacher's run. The
code in the path is taken in any form (`k7mp2q`, `K7M-P2Q`) and shown as people read it; one
that is not a code is shown as typed, and joining says why it is refused: the page itself tells
nothing of which rooms are open.
"""

import json

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from . import i18n, schema
from .joining import join_origin, qr_available
from .presets import PRESETS
from .paths import TEMPLATES_DIR
from .rooms import RoomError, parse_code, shown_code
from .security import is_local_client

router = APIRouter()
TEMPLATES = Jinja2Templates(directory=TEMPLATES_DIR)


def render(request, **page):
    body = schema.as_json()
    lang = i18n.language(request)
    return TEMPLATES.TemplateResponse(request, "index.html", {
        "lang": lang, "t": i18n.translator(lang), "languages": i18n.LANGUAGES,
        "fields": {f.name: f for f in schema.FIELDS}, "datasets": body["datasets"],
        "features": body["features"], "activations": body["activations"], "presets": PRESETS,
        # </ cannot end the <script> element it is embedded in
        "schema_json": json.dumps(body).replace("</", "<\\/"), "student": False,
        "join_code": "", **page})


@router.get("/", response_class=HTMLResponse)
def index(request: Request):
    settings, rooms = request.app.state.settings, request.app.state.rooms
    if settings.classroom and not is_local_client(request.client):
        # nnplay --classroom: another machine is a student; its page is the class's
        return RedirectResponse("/join", status.HTTP_303_SEE_OTHER)
    classroom = ""
    if settings.classroom and is_local_client(request.client):
        # nnplay --classroom: the first page on this machine opens the class at once; later
        # ones (another tab) show the Class tab with its button, rather than a second room
        classroom = "open" if rooms.rooms else "start"
    return render(request, classroom=classroom, join_origin=join_origin(request),
                  qr=qr_available())


@router.get("/join", response_class=HTMLResponse)
def join(request: Request):
    return render(request, student=True)


@router.get("/join/{code}", response_class=HTMLResponse)
def join_code(code: str, request: Request):
    try:
        shown = shown_code(parse_code(code))
    except RoomError:
        shown = code[:20]
    return render(request, student=True, join_code=shown)


@router.get("/healthz")
def healthz():
    return {"status": "ok"}
