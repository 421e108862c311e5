"""JSON endpoints: the hyperparameter schema, the presets, and live server statistics."""

import importlib.util

from fastapi import APIRouter, HTTPException

from nncore import DATASETS, datasets

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


@router.get("/datasets/{name}/preview")
def get_preview(name: str):
    """200 points of a generated dataset, for its thumbnail (fixed seed and no noise)."""
    spec = DATASETS.get(name)
    if spec is None or spec.n_inputs != 2:
        raise HTTPException(404, f"{name!r} is not a 2-D dataset; 2-D datasets: "
                            + ", ".join(n for n, s in DATASETS.items() if s.n_inputs == 2))
    X, y = datasets.make(name, 200 if not spec.fixed_size else 4, 0.0, 0,
                         4 if spec.variable_classes and name == "blobs" else None)
    return {"name": name, "task": spec.task, "extent": list(spec.extent),
            "x": [[round(float(a), 3), round(float(b), 3)] for a, b in X],
            "y": [float(v) for v in y]}


@router.get("/stats")
def get_stats(manager: ManagerDep):
    return manager.stats()
