"""The websocket route: one connection drives one session with three concurrent tasks.

- receiver: reads commands and hands them to the session (replies go to its outbox);
- pump: trains in short slices and, when a frame is due and the previous one has gone out,
  builds the next frame; a frame that falls due while one is in flight is skipped, never
  queued, so a slow client costs no memory;
- sender: writes the outbox (replies, events, network and data messages), then the frame.

All three run on the event loop: training slices are short (a few ms, shorter when many
sessions train), so every session's commands are read between any two slices.
"""

import asyncio
import json
import logging
import time
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from . import protocol
from .deps import ManagerDep, SettingsDep

log = logging.getLogger("nnplay")
router = APIRouter()

MAX_SLICE = 0.008  # seconds of training between two looks at the sockets
MIN_SLICE = 0.0015
SHARED_SLICE = 0.030  # split between the sessions that train at once
WS_1013_TRY_AGAIN_LATER = 1013


def origin_allowed(origin, host, allowed):
    """Browsers send Origin; only the page's own origin (and any allowed ones) may connect."""
    if origin is None:
        return True  # not a browser: cross-site hijacking needs a browser
    if origin in allowed or "*" in allowed:
        return True
    return urlsplit(origin).netloc == host


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket, manager: ManagerDep, settings: SettingsDep):
    await websocket.accept()
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, websocket.headers.get("host"), settings.allowed_origins):
        await _refuse(websocket, "forbidden_origin",
                      f"connections from origin {origin!r} are not allowed; start nnplay with "
                      f"--allow-origin {origin} to allow it", "origin", origin,
                      status.WS_1008_POLICY_VIOLATION)
        return
    session, resumed, reason = manager.open(websocket.query_params.get("resume"))
    if session is None:
        await _refuse(websocket, "too_many_sessions", reason, "session", None,
                      WS_1013_TRY_AGAIN_LATER)
        return
    try:
        await Connection(websocket, session, manager).run(resumed, reason)
    finally:
        manager.detach(session)


async def _refuse(websocket, code, message, field, value, close_code):
    await websocket.send_text(json.dumps(protocol.error_reply(code, message, field, value)))
    await websocket.close(code=close_code, reason=code)


class Connection:
    def __init__(self, websocket, session, manager):
        self.ws, self.session, self.manager = websocket, session, manager
        self.frame = None  # the frame waiting for the sender (at most one)
        self.frame_in_flight = False
        self.wake_pump = asyncio.Event()
        self.wake_sender = asyncio.Event()

    async def run(self, resumed, resume_error):
        await self.ws.send_text(json.dumps(self.session.hello(resumed, resume_error)))
        try:
            async with anyio.create_task_group() as tg:
                async def supervise(task):
                    await task()
                    tg.cancel_scope.cancel()  # whichever task ends, the connection ends

                for task in (self.receiver, self.pump, self.sender):
                    tg.start_soon(supervise, task)
        except Exception as group:  # an ExceptionGroup of what the tasks raised
            errors = getattr(group, "exceptions", [group])
            if any(isinstance(e, OverflowError) for e in errors):
                await self._close(status.WS_1008_POLICY_VIOLATION, "client not reading")
            elif not all(isinstance(e, (WebSocketDisconnect, ConnectionError)) for e in errors):
                log.error("session %s failed", self.session.id, exc_info=group)
                await self._close(status.WS_1011_INTERNAL_ERROR, "internal error")

    async def _close(self, code, reason):
        try:
            await self.ws.close(code=code, reason=reason)
        except Exception:  # the socket may already be gone
            pass

    def _poke(self):
        self.wake_pump.set()
        self.wake_sender.set()

    async def receiver(self):
        s = self.session
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None:
                s.handle(text)
            else:
                size = len(message.get("bytes") or b"")
                s.push(protocol.error_reply(
                    "binary_not_allowed", f"commands are JSON text messages; a binary message "
                    f"of {size} bytes was ignored", "message", f"<{size} bytes>",
                    "a JSON text message"))
            self._poke()

    def _slice(self):
        busy = max(1, self.manager.busy_count())
        return min(MAX_SLICE, max(MIN_SLICE, SHARED_SLICE / busy))

    async def pump(self):
        s = self.session
        while True:
            if s.busy:
                due = s.frame_wait(time.monotonic())
                budget = self._slice()
                if due is not None and not self.frame_in_flight:
                    budget = min(budget, max(due, 0.0005))  # stop in time for the frame
                s.work(budget)
            now = time.monotonic()
            frame_wait = s.frame_wait(now)
            if frame_wait == 0.0 and self.frame_in_flight:
                s.skip(now)
            elif frame_wait == 0.0:
                self.frame = s.frame()
                self.frame_in_flight = True
                self.wake_sender.set()
                frame_wait = s.frame_wait(time.monotonic())
            if s.outbox:
                self.wake_sender.set()
            work_wait = s.seconds_until_work()
            if work_wait == 0.0:
                await asyncio.sleep(0)  # let the other sessions and the sockets in
                continue
            waits = [w for w in (frame_wait, work_wait) if w is not None]
            if self.frame_in_flight and frame_wait == 0.0:
                waits = [w for w in waits if w > 0.0]  # the sender will wake us
            self.wake_pump.clear()
            with anyio.move_on_after(min(waits) if waits else None):
                await self.wake_pump.wait()

    async def sender(self):
        s, ws = self.session, self.ws
        while True:
            while s.outbox:
                message = s.outbox.popleft()
                if isinstance(message, bytes):
                    await ws.send_bytes(message)
                else:
                    await ws.send_text(json.dumps(message, allow_nan=False))
            if self.frame is not None:
                frame, self.frame = self.frame, None
                await ws.send_bytes(frame)
                self.frame_in_flight = False
                self.wake_pump.set()
                continue
            self.wake_sender.clear()
            if not s.outbox and self.frame is None:
                await self.wake_sender.wait()
