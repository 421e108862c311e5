"""A room's commands outside the connections that take them. `fork` and `follow` are a
student's: a student's connection (students.py) answers them before any session sees them.
The `room_*` commands are the room's teacher's: the teacher's connection (teacher.py) answers
them. A session reached any other way refuses both kinds, saying where they belong."""

from ..protocol import TEACHER_TYPES
from ..replies import ProtocolError
from . import command


def _not_in_room(s, c):
    raise ProtocolError("not_in_room", f"{c.type} is for a student in a room: this connection "
                        "is not one (a student connects with /ws?student=TOKEN, the token "
                        "POST /api/rooms/join gives)", "type", c.type,
                        "a connection opened with ?student=")


def not_teacher(c):
    """The refusal of a teacher's command sent anywhere but the teacher's connection."""
    return ProtocolError("not_teacher", f"{c.type} is the room's teacher's: it is sent on the "
                         "teacher's connection, /ws?teacher=TEACHER_TOKEN (the token POST "
                         "/api/rooms gives), and this connection is not one", "type", c.type,
                         "a connection opened with ?teacher=", c.type, c.id)


def _refuse_teachers(s, c):
    raise not_teacher(c)


command("fork", logged=False, moves_weights=False)(_not_in_room)
command("follow", logged=False, moves_weights=False)(_not_in_room)
for _kind in TEACHER_TYPES:
    command(_kind, logged=False, moves_weights=False)(_refuse_teachers)
