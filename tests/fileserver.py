"""A local HTTP server on loopback that serves files from memory, for the download tests.

Nothing a test downloads comes from the internet: the tests point nnplay's download table
(`--download-table`) at this server. It counts the requests for each file, can hold a file
back half-way until the test releases it (to catch a download in flight), and can serve a
file other than the one the table describes (a corrupted download).
"""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FileServer:
    def __init__(self, files):
        self.files = dict(files)  # name -> the bytes served
        self.requests = {}  # name -> GET requests answered
        self.hold = {}  # name -> threading.Event: the rest of that file waits for it
        self.started = threading.Event()  # a held file has begun to be sent
        self.lock = threading.Lock()
        self.httpd = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def held(self, name):
        """Hold `name` back half-way; the Event that releases it."""
        self.hold[name] = threading.Event()
        return self.hold[name]

    def release(self):
        for event in self.hold.values():
            event.set()

    def count(self, name):
        with self.lock:
            return self.requests.get(name, 0)

    def handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.lstrip("/")
                body = server.files.get(name)
                with server.lock:
                    server.requests[name] = server.requests.get(name, 0) + 1
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                gate = server.hold.get(name)
                if gate is None:
                    self.wfile.write(body)
                    return
                half = len(body) // 2
                self.wfile.write(body[:half])
                self.wfile.flush()
                server.started.set()
                if gate.wait(timeout=60):
                    self.wfile.write(body[half:])

            def log_message(self, *args):  # quiet
                pass

        return Handler

    @contextmanager
    def running(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.httpd.daemon_threads = True
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release()
            self.httpd.shutdown()
            self.httpd.server_close()


def closed_port():
    """A loopback URL nothing listens on: a machine without a network, as nnplay sees it."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
