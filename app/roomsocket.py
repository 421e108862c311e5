"""What a room's two kinds of connection share (students.py, teacher.py): ws.Connection's tasks
and closing, with
  - the connection's own message rate and byte budget (it may show no session of its own);
  - a receiver that refuses binary messages and hands text to `handle`;
  - a sender that writes the queued messages, then the frame slot a Follower (audience.py)
    fills, at the follower's rate, and ends with the event `end` left (then the close).
"""

import asyncio

import anyio

from . import replies
from .pacing import TokenBucket
from .ws import Connection, _json


class RoomConnection(Connection):
    def __init__(self, websocket, manager, scheduler, settings):
        super().__init__(websocket, None, manager, scheduler, settings.write_timeout)
        self.settings = settings
        self.follower = None  # the Follower whose frames this connection shows, if any
        self.rate = TokenBucket(settings.messages_per_second, settings.message_burst)
        self.inbound = TokenBucket(settings.inbound_bytes_per_second,
                                   settings.inbound_bytes_burst)
        self.ending = None  # (event, close code, reason): sent last, then the close
        self.frame_gone = asyncio.Event()  # set as each frame of the slot has been written

    def end(self, event, code, reason):
        """`event` goes out after what is queued is dropped, then the connection closes."""
        self.ending = (event, code, reason)
        self.wake_sender.set()

    # -- what subclasses say -------------------------------------------------------------------
    def reply(self, message):
        """Queue a reply or event (a dict)."""
        raise NotImplementedError

    async def handle(self, text):
        """Answer one text message (its reply queued with `reply`)."""
        raise NotImplementedError

    def next_message(self):
        """The next queued message to send (text or bytes), or None."""
        raise NotImplementedError

    # -- tasks ---------------------------------------------------------------------------------
    async def receiver(self):
        """Read and answer messages within the connection's byte budget: past it, the next
        message is read only when the budget allows (a flood waits in the client's socket)."""
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            size = len(text) if text is not None else len(message.get("bytes") or b"")
            await self.take(text, size)
            delay = self.inbound.seconds_until(0.0)
            if delay:
                await asyncio.sleep(delay)

    async def take(self, text, size):
        self.inbound.spend(size)
        if text is None:
            self.reply(replies.error_reply(
                "binary_not_allowed", f"commands are JSON text messages; a binary message "
                f"of {size} bytes was ignored", "message", f"<{size} bytes>",
                "a JSON text message"))
        else:
            await self.handle(text)
        self.wake_sender.set()

    async def sender(self):
        while True:
            if self.ending is not None:
                event, code, reason = self.ending
                await self._send(_json(event))
                self.close_with = (code, reason)
                return
            message = self.next_message()
            if message is not None:
                await self._send(message if isinstance(message, (bytes, str)) else
                                 _json(message))
                continue
            follower = self.follower
            wait = 0.0 if follower is None or self.frame is None else follower.frame_wait()
            if wait > 0.0:  # the follower's rate holds the frame: a newer one may replace it
                self.wake_sender.clear()
                with anyio.move_on_after(wait):
                    await self.wake_sender.wait()
                continue
            if self.frame is not None:
                frame, self.frame = self.frame, None
                self.frame_in_flight = True
                await self._send(frame)
                self.frame_in_flight = False
                self.frame_gone.set()
                if follower is not None:
                    follower.frame_sent()
                self.scheduler.poke()
                continue
            self.wake_sender.clear()
            if self.ending is None and self.frame is None and not self.waiting():
                await self.wake_sender.wait()

    def waiting(self):
        """Whether a message is queued (`next_message` would give one)."""
        raise NotImplementedError
