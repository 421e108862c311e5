"""JSON endpoints: the hyperparameter schema, the presets, and live server statistics."""

import importlib.util
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from nncore import ACTIVATIONS, DATASETS, datasets
from nncore.layers import Dense

from . import pins, schema
from .deps import ManagerDep, RoomsDep, SettingsDep
from .downloads import library
from .presets import PRESETS

router = APIRouter(prefix="/api")


@router.get("/schema")
def get_schema():
    return schema.as_json()


@router.get("/presets")
def get_presets(settings: SettingsDep):
    """The presets; `available` is whether this server can load one now or after a download
    (`files` says which, for a dataset read from files: "present" or "download")."""
    has_sklearn = importlib.util.find_spec("sklearn") is not None
    lib = library(settings)

    def files(dataset):
        spec = DATASETS.get(dataset)
        if spec is None or not spec.files:
            return None
        folder = lib.folders[dataset]
        if all(any((folder / (stem + ext)).is_file() for ext in ("", ".gz"))
               for stem in spec.files):
            return "present"
        return "download" if lib.offer(dataset)["can_download"] else "missing"

    listed = []
    for name, p in PRESETS.items():
        dataset = p["config"].get("dataset")
        found = files(dataset)
        listed.append({"name": name, "title": p["title"], "text": p["text"],
                       "config": p["config"], "speed": p.get("speed"),
                       "compare": p.get("compare"), "sweeps": p.get("sweeps"),
                       "files": found,
                       "available": (has_sklearn or dataset != "digits") and found != "missing"})
    return {"presets": listed}


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


@router.get("/activations")
def get_activations():
    """Each activation φ and its derivative φ' on z from −5 to 5, computed by the engine."""
    Z = np.linspace(-5.0, 5.0, 201).reshape(-1, 1)
    out = {}
    for name, act in ACTIVATIONS.items():
        if name == "softmax":  # a vector function: shown for (z, 0) as the first component
            Z2 = np.column_stack([Z[:, 0], np.zeros(len(Z))])
            A = act.forward(Z2)[:, :1]
        else:
            A = act.forward(Z)
        D = act.derivative(Z if name != "softmax" else Z, A)
        out[name] = {"a": A[:, 0].round(6).tolist(), "d": D[:, 0].round(6).tolist(),
                     "note": act.note}
    return {"z": Z[:, 0].round(6).tolist(), "activations": out}


ELEMENTWISE = tuple(name for name, a in ACTIVATIONS.items() if a.elementwise)  # one neuron's


class NeuronQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    x: Annotated[list[Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]],
                 Field(min_length=1, max_length=8)]
    w: Annotated[list[Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]],
                 Field(min_length=1, max_length=8)]
    b: Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)] = 0.0
    activation: Literal[ELEMENTWISE] = "relu"


@router.post("/neuron")
def post_neuron(q: NeuronQuery):
    """One neuron: z = Σ wᵢxᵢ + b and a = φ(z), computed by the engine's layer."""
    if len(q.x) != len(q.w):
        raise HTTPException(422, f"x has {len(q.x)} inputs but w has {len(q.w)} weights; "
                            "give one weight per input")
    layer = Dense(len(q.x), 1, ACTIVATIONS[q.activation])
    layer.W, layer.b = np.array(q.w, np.float64).reshape(-1, 1), np.array([q.b])
    Z, A = layer.infer(np.array([q.x], np.float64))
    D = layer.activation.derivative(Z, A)
    return {"z": float(Z[0, 0]), "a": float(A[0, 0]), "derivative": float(D[0, 0]),
            "products": [float(w * x) for w, x in zip(q.w, q.x)]}


@router.get("/stats")
def get_stats(manager: ManagerDep, rooms: RoomsDep):
    return {**manager.stats(), "rooms": rooms.stats()}


Token = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class RunsQuery(BaseModel):
    """The resume tokens a page keeps: it is shown the saved runs of these, and only these."""
    model_config = ConfigDict(extra="forbid", strict=True)
    tokens: Annotated[list[Token], Field(max_length=50)]


class CompareQuery(BaseModel):
    """Pinned runs to compare (pins.py): their tokens, and the test accuracy to reach."""
    model_config = ConfigDict(extra="forbid", strict=True)
    tokens: Annotated[list[Token], Field(max_length=50)]  # pins.check: at most MAX_PINS
    target: Annotated[float, Field(allow_inf_nan=False)] = 0.9


class RunRef(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    token: Token


@router.post("/runs")
def post_runs(q: RunsQuery, manager: ManagerDep):
    """The saved runs of the tokens a page holds, newest first. Tokens travel in the body,
    never in a URL (which logs keep)."""
    return {"saves": manager.checkpoints.enabled, "runs": manager.runs(q.tokens)}


@router.post("/runs/compare")
async def post_runs_compare(q: CompareQuery, manager: ManagerDep, request: Request):
    """Up to six of the page's runs side by side (pins.py). Async: an open session is read on
    the event loop, between two units of its work."""
    try:
        return await pins.compare(manager, q.tokens, q.target, request.app.state.relay)
    except pins.PinError as e:
        raise HTTPException(e.status, e.detail()) from None


@router.post("/runs/delete")
def post_runs_delete(q: RunRef, manager: ManagerDep):
    try:
        deleted = manager.delete(q.token)
    except ValueError as e:
        raise HTTPException(409, str(e)) from None
    if not deleted:
        raise HTTPException(404, "no saved run with that token (it was deleted or pruned)")
    return {"deleted": True}
