"""The session's states move only through Lifecycle.go, which refuses what is not allowed."""

import pytest

from app.lifecycle import TRANSITIONS, IllegalState, Lifecycle, State

LIVE = (State.PAUSED, State.RUNNING, State.DIVERGED)


def at(state):
    life = Lifecycle()
    life.state = state
    return life


@pytest.mark.parametrize("event", TRANSITIONS)
@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
def test_every_event_in_every_state_moves_or_raises(event, state):
    life = at(state)
    if state in TRANSITIONS[event]:
        if event == "attach":
            life.resume_to = State.RUNNING
        life.go(event)
        expected = TRANSITIONS[event][state]
        assert life.state is (State.RUNNING if event == "attach" else expected)
    else:
        with pytest.raises(IllegalState) as e:
            life.go(event)
        allowed = " or ".join(s.value for s in TRANSITIONS[event])
        assert str(e.value) == f"{event} expects a session that is {allowed}, but it is " \
                               f"{state.value}"
        assert life.state is state  # a refused event changes nothing


@pytest.mark.parametrize("state", LIVE, ids=[s.value for s in LIVE])
def test_a_resumed_session_is_where_it_was(state):
    life = at(state)
    life.go("detach", now=12.5)
    assert life.state is State.DETACHED and life.detached_at == 12.5
    with pytest.raises(IllegalState, match="play expects a session that is paused or running"):
        life.go("play")
    life.go("attach")
    assert life.state is state and life.detached_at is None


def test_the_paths_the_commands_take():
    life = Lifecycle()
    assert life.go("play") is State.RUNNING
    assert life.go("diverge") is State.DIVERGED
    assert life.go("pause") is State.DIVERGED  # pausing does not undo a divergence
    with pytest.raises(IllegalState, match="but it is diverged"):
        life.go("play")
    assert life.go("recover") is State.PAUSED
    assert life.go("play") is State.RUNNING
    assert life.go("recover") is State.RUNNING  # a live change keeps it running
    assert life.go("restart") is State.PAUSED  # a preset or an import starts paused
    assert life.go("close") is State.CLOSED
    with pytest.raises(IllegalState):
        life.go("attach")
