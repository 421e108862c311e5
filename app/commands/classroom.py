"""`fork` and `follow` are a room's commands: a student's connection (students.py) answers them
before any session sees them. A session reached any other way is in no room as a student."""

from ..replies import ProtocolError
from . import command


def _not_in_room(s, c):
    raise ProtocolError("not_in_room", f"{c.type} is for a student in a room: this connection "
                        "is not one (a student connects with /ws?student=TOKEN, the token "
                        "POST /api/rooms/join gives)", "type", c.type,
                        "a connection opened with ?student=")


command("fork", logged=False, moves_weights=False)(_not_in_room)
command("follow", logged=False, moves_weights=False)(_not_in_room)
