"""A quirk of the websocket transport, smoothed where the app meets the server (ASGI).

uvicorn's websockets-sansio layer closes a connection itself when the client breaks the
protocol: 1007 for a text message that is not UTF-8, 1009 for one over the transport limit. A
send the app makes after that and before it has read the disconnect (a frame on its way out)
raises RuntimeError("Unexpected ASGI message 'websocket.send', after sending
'websocket.close'"), where the ASGI spec asks a server to raise an OSError for a send on a closed
connection; the session would log the client's mistake as its own failure, with a traceback.
"""


class ServerCloseMiddleware:
    """Pure ASGI middleware: on a websocket, a send refused because the server already closed
    the connection (and the app did not) raises ConnectionResetError, which Starlette's
    WebSocket turns into WebSocketDisconnect like any other lost connection."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        app_closed = False

        async def send_or_disconnect(message):
            nonlocal app_closed
            app_closed = app_closed or message["type"] == "websocket.close"
            try:
                await send(message)
            except RuntimeError as e:
                if app_closed or "after sending 'websocket.close'" not in str(e):
                    raise
                raise ConnectionResetError("the websocket layer closed this connection") from e

        await self.app(scope, receive, send_or_disconnect)
