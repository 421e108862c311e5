"""A small asyncio client for the protocol, over a real socket (the `websockets` library)."""

import asyncio
import json

from websockets.asyncio.client import connect

from app import frames
from app.protocol import REPLY_TYPES


class Client:
    def __init__(self, ws):
        self.ws = ws
        self.hello = None

    @classmethod
    async def open(cls, url, **kwargs):
        ws = await connect(url, proxy=None, max_size=2**24, compression=None, **kwargs)
        client = cls(ws)
        client.hello = await client.next()
        return client

    async def close(self):
        await self.ws.close()

    async def send(self, message):
        await self.ws.send(json.dumps(message))

    async def next(self, timeout=10.0):
        m = await asyncio.wait_for(self.ws.recv(), timeout)
        if isinstance(m, str):
            return json.loads(m)
        header, arrays = frames.unpack(m)
        header["arrays"] = arrays
        header["nbytes"] = len(m)
        return header

    async def expect(self, type_, timeout=10.0, **match):
        while True:
            m = await self.next(timeout)
            if m["type"] == type_ and all(m.get(k) == v for k, v in match.items()):
                return m

    async def call(self, message, timeout=10.0):
        message = {"id": f"c{id(message)}", **message}
        await self.send(message)
        while True:
            m = await self.next(timeout)
            if m.get("id") == message["id"] and m["type"] in REPLY_TYPES:
                return m
