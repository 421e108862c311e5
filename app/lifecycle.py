"""A session's lifecycle: its states, and the one function that moves between them.

    PAUSED ⇄ RUNNING → DIVERGED → (set / reset / import / preset: recover) → PAUSED
    any live state → DETACHED (socket lost) → back where it was on resume, or CLOSED

Every change of state goes through `Lifecycle.go(event)`. An event that is not allowed in the
current state raises IllegalState saying what was expected and what the session is, in the
style of Starlette's `Expected ASGI message "websocket.connect", but got ...`.
"""

import enum


class State(enum.Enum):
    PAUSED = "paused"
    RUNNING = "running"
    DIVERGED = "diverged"
    DETACHED = "detached"
    CLOSED = "closed"


class IllegalState(Exception):
    """A command or event the session cannot take in its current state."""


P, R, D, X = State.PAUSED, State.RUNNING, State.DIVERGED, State.DETACHED
RESUME = object()  # attach's target: the state the session was in when it was detached

# event -> {state it may happen in: state it leads to}
TRANSITIONS = {
    "play": {P: R, R: R},
    "pause": {P: P, R: P, D: D},  # a diverged run stays diverged until something recovers it
    "stop": {P: P, R: P, D: D},  # training has nothing to do (no points), or a walk-through
    "diverge": {P: D, R: D},
    "recover": {P: P, R: R, D: P},  # a change that makes training possible again
    "restart": {P: P, R: P, D: P},  # a new run (preset, import): it starts paused
    "detach": {P: X, R: X, D: X},
    "attach": {X: RESUME},
    "close": {P: State.CLOSED, R: State.CLOSED, D: State.CLOSED, X: State.CLOSED,
              State.CLOSED: State.CLOSED},
}


class Lifecycle:
    def __init__(self):
        self.state = State.PAUSED
        self.resume_to = None  # the state to go back to on attach
        self.detached_at = None  # monotonic time the client left

    def go(self, event, now=None):
        """Take `event`; return the new state, or raise IllegalState."""
        moves = TRANSITIONS[event]
        target = moves.get(self.state)
        if target is None:
            expected = " or ".join(s.value for s in moves)
            raise IllegalState(f"{event} expects a session that is {expected}, but it is "
                               f"{self.state.value}")
        if event == "detach":
            self.resume_to, self.detached_at = self.state, now
        if target is RESUME:
            target, self.resume_to, self.detached_at = self.resume_to, None, None
        self.state = target
        return target

    def allows(self, event):
        return self.state in TRANSITIONS[event]

    @property
    def training(self):
        """Whether the session trains continuously (as opposed to stepping on request)."""
        return self.state is State.RUNNING
