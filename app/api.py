"""JSON endpoints: the hyperparameter schema, the presets, and live server statistics."""

import importlib.util

from fastapi import APIRouter

from . import schema
from .deps import ManagerDep
from .presets import PRESETS

router = APIRouter(prefix="/api")


@router.get("/schema")
def get_schema():
    return schema.as_json()


@router.get("/presets")
def get_presets():
    has_sklearn = importlib.util.find_spec("sklearn") is not None
    return {"presets": [
        {"name": name, "title": p["title"], "text": p["text"], "config": p["config"],
         "speed": p.get("speed"), "compare": p.get("compare"),
         "available": has_sklearn or p["config"].get("dataset") != "digits"}
        for name, p in PRESETS.items()]}


@router.get("/stats")
def get_stats(manager: ManagerDep):
    return manager.stats()
