"""Controls a room's teacher locked: config keys its students' own sessions may not change.

A room holds one Locks (rooms.Room.locks). Every student's own session refers to it
(`Session.locks`), so a lock reaches all of them at once, and holds however the session is
reached: through the student's connection or through its resume token in a page of its own.
`commands.run_command` asks `check` before a command runs: one that would change a locked key
is refused with `locked`, naming the key, and the session is left as it was. The teacher's
own pushes (teacher.py) are not held back by the teacher's locks (`lifted`).

What a command counts as changing:
  set              the keys it names whose value differs from the session's; a change of the
                   data (dataset, n_samples, noise, ...) that does not name output_activation
                   and loss may move those two to fit the data's task, so it counts as
                   changing them too
  preset, import   the keys whose value differs from the session's
  regenerate_data  data_seed
  add_point, remove_point, clear_points   dataset (the points are the data)
  load_csv         dataset, output_activation, loss (the new data's task decides those)
Nothing else touches the config.
"""

from contextlib import contextmanager

from nncore import Config
from nncore.config import DATA_FIELDS

from . import schema
from .presets import PRESETS
from .replies import ProtocolError

TASK_KEYS = ("output_activation", "loss")  # what a change of the data may move
POINT_COMMANDS = {"add_point": ("dataset",), "remove_point": ("dataset",),
                  "clear_points": ("dataset",), "regenerate_data": ("data_seed",),
                  "load_csv": ("dataset", *TASK_KEYS)}


class Locks:
    """The locked config keys of one room."""

    def __init__(self):
        self.keys = frozenset()

    def set(self, controls):
        """Lock exactly `controls` (config keys; none: unlock every one); ValueError naming a
        key that is not a config field. Returns them sorted."""
        for key in controls:
            if not isinstance(key, str) or key not in schema.BY_NAME:
                raise schema.FieldError("controls", key, "config keys: " + ", ".join(
                    schema.BY_NAME), f"{key!r} is not a config key that can be locked; the "
                    "keys are: " + ", ".join(schema.BY_NAME))
        self.keys = frozenset(controls)
        return sorted(self.keys)

    def __bool__(self):
        return bool(self.keys)


def check(session, command):
    """Raise ProtocolError `locked` if `command` would change a key the session's room locked."""
    locks = session.locks
    if not locks:
        return
    touched = changed_keys(session.trainer.config, command)
    hit = [key for key in touched if key in locks.keys]
    if not hit:
        return
    key = hit[0]
    value = command.config.get(key) if command.type == "set" else command.type
    name = labels([key])
    direct = command.type == "set" and key in command.config
    raise ProtocolError(
        "locked", f"{name} is locked: the teacher locked it for this exercise (locked: "
        f"{labels(sorted(locks.keys))}), so {command.type} "
        + ("cannot change it" if direct else f"cannot run, as it would change {name}")
        + "; it opens again when the teacher unlocks it", key, value,
        f"anything that leaves {key} as it is while the teacher keeps it locked")


def labels(keys):
    """Config keys as the page's controls name them: "Learning rate, Activation"."""
    return ", ".join(schema.BY_NAME[key].label for key in keys)


def changed_keys(config, command):
    """The config keys `command` would change in a session whose config is `config`."""
    kind = command.type
    if kind == "set":
        return _set_keys(config, command.config)
    if kind == "preset":
        preset = PRESETS.get(command.name)
        return [] if preset is None else _differing(config, Config(**preset["config"]))
    if kind == "import":
        return _imported_keys(config, command.state)
    return list(POINT_COMMANDS.get(kind, ()))


def _set_keys(config, changes):
    if not isinstance(changes, dict):
        return []  # the set handler refuses it
    keys = []
    for key, value in changes.items():
        field = schema.BY_NAME.get(key)
        if field is None:
            continue  # the set handler refuses it
        try:
            same = field.validate(value) == getattr(config, key)
        except ValueError:
            same = False  # an invalid value is no way to leave a locked key as it is
        if not same:
            keys.append(key)
    if any(key in DATA_FIELDS for key in keys) and not set(TASK_KEYS) & changes.keys():
        keys.extend(TASK_KEYS)
    return keys


def _differing(config, other):
    mine, theirs = config.to_dict(), other.to_dict()
    return [key for key in mine if mine[key] != theirs[key]]


def _imported_keys(config, state):
    trainer = state.get("trainer") if isinstance(state, dict) else None
    imported = trainer.get("config") if isinstance(trainer, dict) else None
    if not isinstance(imported, dict):
        return []  # the import handler refuses it
    mine, defaults = config.to_dict(), Config().to_dict()
    return [key for key in mine if imported.get(key, defaults[key]) != mine[key]]


@contextmanager
def lifted(session):
    """The session's room locks do not apply inside (the teacher's own pushes)."""
    locks, session.locks = session.locks, None
    try:
        yield
    finally:
        session.locks = locks
