"""The scheduler shares the loop by CPU time: a costly connection spends its own share."""

import asyncio

from app.scheduler import GRACE, Scheduler


class Busy:
    """A connection that always has work; each unit costs `cost` (charged by the test)."""

    def __init__(self, name, cost):
        self.name, self.cost, self.units, self.idle = name, cost, 0, False

    def wait(self, now):
        return None if self.idle else 0.0

    def unit(self, now):
        self.units += 1

    def fail(self, error):
        raise error


def turns(scheduler, n):
    """Run n picks by hand, charging each unit its connection's cost instead of wall time."""
    for _ in range(n):
        conn, _ = scheduler._pick(0.0)
        if conn is None:
            return
        conn.unit(0.0)
        scheduler.charge(conn, conn.cost)


def make(*conns):
    s = Scheduler()
    for c in conns:
        s.connections.append(c)
        s.vtime[c] = 0.0
    return s


def test_each_connection_gets_the_same_cpu_time_whatever_its_unit_costs():
    cheap, dear, dearest = Busy("cheap", 0.003), Busy("dear", 0.015), Busy("dearest", 0.05)
    s = make(cheap, dear, dearest)
    turns(s, 3000)
    spent = {c.name: c.units * c.cost for c in (cheap, dear, dearest)}
    assert max(spent.values()) - min(spent.values()) <= 0.05 + 1e-9, spent  # one unit apart
    assert cheap.units > 10 * dearest.units


def test_a_flooding_client_pays_for_its_commands():
    quiet, flood = Busy("quiet", 0.003), Busy("flood", 0.003)
    s = make(quiet, flood)
    for _ in range(100):
        turns(s, 2)
        s.charge(flood, 0.01)  # the CPU its commands took, outside its units
    assert quiet.units > 3 * flood.units


def test_an_idle_connection_banks_no_credit():
    a, b = Busy("a", 0.003), Busy("b", 0.003)
    s = make(a, b)
    b.idle = True
    turns(s, 1000)  # a runs alone for 3 s of CPU
    b.idle = False
    before = a.units
    turns(s, 100)
    # b may catch up by GRACE at most, then they alternate
    assert a.units - before >= (100 - GRACE / 0.003) / 2 - 1


def test_add_starts_a_newcomer_level_with_the_others():
    async def scenario():
        s = Scheduler()
        old = Busy("old", 0.003)
        s.add(old)
        s.charge(old, 5.0)
        new = Busy("new", 0.003)
        s.add(new)
        s.stop()
        return s.vtime[new]

    assert asyncio.run(scenario()) == 5.0


class Framed(Busy):
    """A connection whose next unit is a frame when `frame_due` is set."""

    def __init__(self, name, cost):
        super().__init__(name, cost)
        self.frame_due = False


def test_a_due_frame_goes_first_but_stays_within_the_lead():
    from app.scheduler import FRAME_LEAD

    a, b = Framed("a", 0.003), Framed("b", 0.003)
    s = make(a, b)
    s.vtime[a] = 0.01  # a is a little ahead ...
    a.frame_due = True  # ... but its frame is due: it goes first
    conn, _ = s._pick(0.0)
    assert conn is a
    s.vtime[a] = FRAME_LEAD + 0.001  # too far ahead: b's turn, frame or not
    assert s._pick(0.0)[0] is b


def test_what_is_charged_is_cpu_time_not_wall_time():
    """A unit that waits (as when the machine preempts the process) is charged only the CPU
    it used: wall time would make one unlucky session wait for minutes."""
    import time

    class Sleeper(Busy):
        def unit(self, now):
            super().unit(now)
            time.sleep(0.05)  # no CPU: the thread is off the core

    async def scenario():
        s = Scheduler()
        sleeper = Sleeper("sleeper", 0.0)
        s.add(sleeper)
        while sleeper.units < 3:
            await asyncio.sleep(0.01)
        s.stop()
        return s.vtime[sleeper], sleeper.units

    charged, units = asyncio.run(scenario())
    assert charged < 0.01 * units, (charged, units)  # 50 ms of wall time per unit
