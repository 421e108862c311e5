"""The page and the health check."""

import json

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
    body = schema.as_json()
    return TEMPLATES.TemplateResponse(request, "index.html", {
        "fields": {f.name: f for f in schema.FIELDS}, "datasets": body["datasets"],
        "features": body["features"], "activations": body["activations"], "presets": PRESETS,
        # </ cannot end the <script> element it is embedded in
        "schema_json": json.dumps(body).replace("</", "<\\/")})


@router.get("/healthz")
def healthz():
    return {"status": "ok"}
