"""The page and the health check."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from . import schema
from .paths import TEMPLATES_DIR
from .presets import PRESETS

router = APIRouter()
TEMPLATES = Jinja2Templates(directory=TEMPLATES_DIR)


@router.get("/", response_class=HTMLResponse)
def index(request: Request):
    groups = {}
    for f in schema.FIELDS:
        groups.setdefault(f.group, []).append(f)
    return TEMPLATES.TemplateResponse(request, "index.html", {
        "groups": groups, "fields": schema.BY_NAME, "schema_version": schema.VERSION,
        "presets": PRESETS})


@router.get("/healthz")
def healthz():
    return {"status": "ok"}
