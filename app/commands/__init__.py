"""What each command does to a session, with its metadata, in one table.

Each handler receives the session and the parsed command (protocol.py), checks everything it
needs before it changes anything, and returns the extra fields of its `applied` reply, or
{"reply": message} for a command that answers with a message of its own. Metadata:
  logged         the saved run's log records it (a change to the run)
  moves_weights  it may change the weights, so a step explained before it is stale
  changes_run    it counts as a change to the run, which is then saved (not: viewing it)

The handlers live by subject: training.py (play, step, settings, presets), points.py (weights,
biases and points), saving.py (export, import) and teaching.py (the step-through, the code).
"""

from dataclasses import dataclass
from typing import Callable

from .. import locks, protocol


@dataclass(frozen=True)
class Spec:
    name: str
    handler: Callable
    logged: bool
    moves_weights: bool
    changes_run: bool = True


COMMANDS = {}


def command(name, *, logged=True, moves_weights=True, changes_run=True):
    """Register a handler in COMMANDS under the protocol's command name."""
    def register(handler):
        COMMANDS[name] = Spec(name, handler, logged, moves_weights, changes_run)
        return handler
    return register


def run_command(session, command):
    """(spec, result) of applying a parsed command to the session. A command that would change
    a key the session's room locked (locks.py) is refused before it runs."""
    locks.check(session, command)
    spec = COMMANDS[command.type]
    return spec, spec.handler(session, command) or {}


def plain(value):
    """Tuples as lists, so a schedule entry reads like JSON."""
    return list(value) if isinstance(value, tuple) else value


from . import points, saving, teaching, training  # noqa: E402,F401 - they fill COMMANDS
from . import datasets  # noqa: E402,F401 - downloads of datasets read from files
from . import classroom  # noqa: E402,F401 - fork and follow, outside a room
from . import timeline  # noqa: E402,F401 - viewing the run's past, branching from it

assert set(COMMANDS) == set(protocol.COMMAND_TYPES), "every protocol command has a handler"
