"""Where a room's sessions live, behind one small interface that the room logic asks.

A room's logic (rooms.py, students.py, teacher.py, dashboard.py) is the same wherever the
sessions are; what differs is how it reaches them:

  - LocalPlace: in this process (the embedded default), through the SessionManager;
  - cluster.rooms.ClusterPlace: on session hosts (`--workers`, `--ray-address`), through the
    relay (app/cluster).

A place says which audience a room's followers are in (who fans the teacher's frames out),
which dashboard builds the class message, which connection a student gets, which run of a
student's a spotlight shows (`own_run`, bound by the place's audience), and does the
teacher's commands that reach every student's own session (push, lock).
"""

import asyncio

from .audience import Audience
from .dashboard import Dashboard, own_session


class LocalPlace:
    """Sessions in this process."""

    def __init__(self, manager, scheduler):
        self.manager, self.scheduler = manager, scheduler

    def audience(self, room):
        return Audience(room)

    def dashboard(self, room, rooms):
        return Dashboard(room, rooms, self.manager, self.scheduler)

    @property
    def student_connection(self):
        from .students import StudentConnection

        return StudentConnection

    def session_of(self, token):
        """The open session a room may be opened on (POST /api/rooms), or None."""
        return self.manager.sessions.get(token) if isinstance(token, str) else None

    def own_run(self, member, command):
        """The run of `member`'s own that a spotlight shows (what `audience` binds): their own
        session, open here (their page may be away: it stands still), or None."""
        return own_session(self.manager, member)

    async def push(self, members, pushed):
        """{student id: the error reply that refused it, or None} of the members whose own
        session is open here, each given the `pushed` commands (teacher.push_to)."""
        from .teacher import push_to

        results = {}
        for member in members:
            session = own_session(self.manager, member)
            if session is None:
                continue
            results[member.id] = push_to(session, pushed,
                                         self.manager.holders.get(session.id), self.scheduler)
            await asyncio.sleep(0)  # one student at a time: the loop serves the others between
        self.scheduler.poke()
        return results

    async def locked(self, room, rooms):
        """The room's locks changed: every own session open here holds them (they share the
        room's Locks; one opened before it had them gets them now)."""
        for member in room.members.values():
            session = own_session(self.manager, member)
            if session is not None:
                rooms.forked(room, session)
