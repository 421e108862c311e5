"""The example notebook (docs/notebook.ipynb) runs headless in a real kernel (nbclient), and
the widget's model it leaves in the notebook's widget state carries frames: the page's binary
messages, the last one at the step the notebook ended on."""

import base64
import os
from pathlib import Path

import pytest

pytest.importorskip("anywidget")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from app import frames  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def kernel_env():
    """The kernel's environment: this checkout's packages first (an installed nnplay may be
    another copy's)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def trainer_views(nb):
    """{trait: value} of each TrainerView model in the notebook's saved widget state, its
    bytes traits decoded from their buffers."""
    models = nb.metadata["widgets"][WIDGET_STATE]["state"].values()
    views = []
    for model in models:
        if model["state"].get("_anywidget_id") != "app.notebook.TrainerView":
            continue
        state = dict(model["state"])
        for buffer in model.get("buffers", []):
            assert buffer["encoding"] == "base64"
            state[buffer["path"][0]] = base64.b64decode(buffer["data"])
        views.append(state)
    return views


@pytest.mark.slow
def test_the_example_notebook_runs_headless_and_its_widget_carries_frames(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "docs/notebook.ipynb is kept without outputs"
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(tmp_path)}}).execute(
                                env=kernel_env())
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert printed.startswith("step 600 at learning rate 0.01:"), printed

    (view,) = trainer_views(nb)
    assert "render" in view["_esm"]  # the bundled module rides in the model
    network, _ = frames.unpack(view["network_message"])
    data, _ = frames.unpack(view["data_message"])
    frame, arrays = frames.unpack(view["frame_message"])
    assert network["sizes"] == [2, 8, 8, 1] and data["dataset"] == "spiral"
    # the last frame went out after the last cell: the step the notebook ended on
    assert frame["type"] == "frame" and frame["step"] == 600
    assert frame["network_version"] == network["version"]
    assert view["frames_sent"] >= 3  # the first, and one after each training cell
    assert view["learning_rate"] == 0.01
    assert {"tiles1", "tiles2", "output", "W1", "W3"} <= arrays.keys()
    assert frame["metrics"]["train_loss"] < 0.7  # it trained (ln 2 ≈ 0.693 at chance)
