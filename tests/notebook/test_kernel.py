"""The view in a real kernel (ipykernel, driven over its channels as a notebook front end
drives it): frames go out while a cell trains in a loop, and Play trains in the kernel while
the kernel keeps answering, until Pause. Every wait is for a message or a condition."""

import json
import time

import pytest

pytest.importorskip("anywidget")
jupyter_client = pytest.importorskip("jupyter_client")

from app import frames  # noqa: E402
from tests.notebook.test_notebook import kernel_env  # noqa: E402

WAIT_SECONDS = 60
SETUP = """
from nncore import Trainer
from app.notebook import show
trainer = Trainer(dataset="spiral", hidden_layers=[8, 8], seed=2)
view = show(trainer)
print(view.model_id)
"""


class Kernel:
    """A kernel and its client; every iopub message seen is kept in `seen`."""

    def __init__(self):
        self.km = jupyter_client.KernelManager(kernel_name="python3")
        self.km.start_kernel(env=kernel_env())
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=WAIT_SECONDS)
        self.seen = []

    def run(self, code):
        """Execute `code`; (its stdout, the iopub messages of its run)."""
        msg_id = self.kc.execute(code)
        mine, out = [], []
        while True:
            msg = self.kc.get_iopub_msg(timeout=WAIT_SECONDS)
            self.seen.append(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            mine.append(msg)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                raise AssertionError("\n".join(content["traceback"]))
            if kind == "stream":
                out.append(content["text"])
            if kind == "status" and content["execution_state"] == "idle":
                reply = self.kc.get_shell_msg(timeout=WAIT_SECONDS)
                assert reply["content"]["status"] == "ok", reply["content"]
                return "".join(out), mine

    def value(self, expression):
        out, _ = self.run(f"import json as _json; print(_json.dumps({expression}))")
        return json.loads(out)

    def tell(self, comm_id, content):
        """A message from the widget's front end (anywidget's model.send)."""
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id,
                                               "data": {"method": "custom", "content": content}})
        self.kc.shell_channel.send(msg)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def frames_in(messages, comm_id):
    """The frame headers the widget sent in these iopub messages, in order."""
    found = []
    for msg in messages:
        data = msg["content"].get("data", {})
        if msg["msg_type"] != "comm_msg" or msg["content"].get("comm_id") != comm_id:
            continue
        paths = data.get("buffer_paths", [])
        for path, buffer in zip(paths, msg["buffers"]):
            if path == ["frame_message"]:
                found.append(frames.unpack(bytes(buffer))[0])
    return found


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    try:
        out, _ = k.run(SETUP)
        k.comm_id = out.strip()
        yield k
    finally:
        k.close()


@pytest.mark.slow
def test_frames_go_out_while_a_cell_trains_in_a_loop(kernel):
    # the loop ends once three frames have gone out, which the frame interval spaces apart:
    # each of them left while the cell was still running
    _, messages = kernel.run("start = view.frames_sent\n"
                             "while view.frames_sent < start + 3 and trainer.step_count < 2e5:\n"
                             "    trainer.step(5)\n")
    sent = frames_in(messages, kernel.comm_id)
    steps = [h["step"] for h in sent]
    assert len(sent) >= 3 and steps == sorted(set(steps)), steps
    assert steps[-1] == kernel.value("trainer.step_count")
    assert all(h["type"] == "frame" and h["losses"]["steps"] for h in sent)


@pytest.mark.slow
def test_play_trains_in_the_kernel_which_keeps_answering_until_pause(kernel):
    before = kernel.value("trainer.step_count")
    seen = len(kernel.seen)
    kernel.tell(kernel.comm_id, {"type": "play"})
    assert kernel.value("view.playing") is True
    assert kernel.value("type(view._player).__name__") == "Task"  # on the kernel's own loop
    # the kernel answers each of these between two slices of training
    answers = [kernel.value("trainer.step_count")]
    deadline = time.monotonic() + WAIT_SECONDS  # a ceiling for failing, not a wait
    while answers[-1] < before + 500:
        assert time.monotonic() < deadline, f"play did not train: steps {answers[-5:]}"
        answers.append(kernel.value("trainer.step_count"))
    assert answers == sorted(answers)
    kernel.tell(kernel.comm_id, {"type": "learning_rate", "value": 0.1})
    assert kernel.value("trainer.config.learning_rate") == 0.1
    kernel.tell(kernel.comm_id, {"type": "pause"})
    assert kernel.value("view.playing") is False
    stopped = kernel.value("trainer.step_count")
    assert kernel.value("trainer.step_count") == stopped  # paused: no slice runs any more
    played = frames_in(kernel.seen[seen:], kernel.comm_id)
    assert any(h["state"] == "running" for h in played)
    assert played[-1]["step"] == stopped and played[-1]["state"] == "paused"
    kernel.tell(kernel.comm_id, {"type": "step"})
    assert kernel.value("trainer.step_count") == stopped + 1
    kernel.tell(kernel.comm_id, {"type": "learning_rate", "value": "fast"})
    assert "learning_rate" in kernel.value("view.error")
    assert kernel.value("trainer.config.learning_rate") == 0.1
