"""A student's run shown to the whole room: the spotlight (`room_spotlight`, teacher.py).

While it lasts, the spotlighted student's own session takes the teacher's place for everyone
who watches: the room's followers, and the teacher's connections (the projector). The
session gets an audience of its own, of the kind the room's place gives (audience.py in
process; on a cluster cluster/rooms.RelayedAudience, bound to the student's relay
connection), so each of its frames is built once and the same bytes go to all, as the
teacher's do; the student's own page is not touched. Every connected student and teacher's
connection is told first (`spotlight`); a follower then starts over with a new `hello` of the
run it now sees, and when the spotlight ends, of the teacher's again.

The name shown is the student's only if they allowed it when they joined (`show_name`) and the
teacher asks for it; otherwise it is ANONYMOUS. The spotlight ends when the teacher ends it,
or when the student's run goes away: they follow again, are removed, or their session is
freed. A `room_reset` moves it to the student's new session.
"""

ANONYMOUS = "a student"


class Spotlight:
    def __init__(self, member, audience, name):
        self.student, self.name = member.id, name
        self.audience = audience  # bound to the student's run

    def shown(self):
        """What the room is told of it."""
        return {"student": self.student, "name": self.name}

    def stats(self):
        return {**self.shown(), **self.audience.stats()}


def start(room, member, audience, show_name):
    """Show `member`'s run, which `audience` is bound to (places: `audience`, `own_run`), to
    the room (instead of another student's, if one is shown)."""
    name = member.name if show_name and member.show_name else ANONYMOUS
    old = room.spotlight
    room.spotlight = Spotlight(member, audience, name)
    if old is not None:
        old.audience.unbind()
    _tell(room, f"{name}'s run is on the projector: you see it instead of the teacher's "
          "until the teacher ends it")
    return room.spotlight


def stop(room, why="the teacher ended the spotlight"):
    """Back to the teacher's run for everyone (nothing happens when none is shown)."""
    old = room.spotlight
    if old is None:
        return
    room.spotlight = None
    old.audience.unbind()
    _tell(room, f"{why}: you see the teacher's run again")


def moved(room, member, run):
    """The spotlighted student's run is a new session now (`room_reset`), or on a cluster is
    driven by a new relay connection (their page is back): show that one."""
    spotlight = room.spotlight
    if spotlight is not None and spotlight.student == member.id:
        spotlight.audience.bind(run)  # a new session: its followers start over with it


def left(room, member, why):
    """`member`'s run is no longer theirs to show (they follow again, or were removed)."""
    spotlight = room.spotlight
    if spotlight is not None and spotlight.student == member.id:
        stop(room, why)


def _tell(room, message):
    """Every connected student and teacher's connection: the `spotlight` event; followers
    then move to what the room shows now."""
    spotlight = room.spotlight
    event = {"type": "spotlight", "student": None if spotlight is None else spotlight.student,
             "name": None if spotlight is None else spotlight.name, "message": message}
    for member in list(room.members.values()):
        if member.connection is not None:
            member.connection.spotlight_changed(event)
    if room.dashboard is not None:
        for viewer in list(room.dashboard.viewers):
            viewer.spotlight_changed(event)
