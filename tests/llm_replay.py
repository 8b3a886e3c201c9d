"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 that replays scripted answers, for the llm tests.

It serves ``GET /v1/models`` (the model names it was given) and ``POST /v1/chat/completions``, whose
answers come from a script: each call takes the next item of ``replies`` (the last one repeats), an
item being the assistant's content (a string), ``("status", CODE, BODY)`` for an HTTP error,
``("raw", BODY)`` for a body that is not a chat completion, or ``("sleep", SECONDS, CONTENT)``. Every
request body received is kept in ``requests``. It stops when the ``with`` block ends.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a timed-out test request) is no error of the test."""


class ReplayServer:
    """``with ReplayServer(replies) as server: server.url`` is ``http://127.0.0.1:PORT/v1``."""

    def __init__(self, replies: list[Any], models: tuple[str, ...] = ("replay-model",)):
        self.replies = list(replies)
        self.models = models
        self.requests: list[dict[str, Any]] = []
        self.model_lists = 0
        self.lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ReplayServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def next_reply(self, body: dict[str, Any]) -> Any:
        with self.lock:
            self.requests.append(body)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    with server.lock:
                        server.model_lists += 1
                    data = {
                        "object": "list",
                        "data": [{"id": m, "object": "model", "owned_by": "test"} for m in server.models],
                    }
                    self._send(200, json.dumps(data).encode())
                else:
                    self._send(404, b'{"error": {"message": "no such path"}}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "no such path"}}')
                    return
                reply = server.next_reply(body)
                if isinstance(reply, tuple) and reply[0] == "status":
                    self._send(reply[1], json.dumps({"error": {"message": reply[2]}}).encode())
                    return
                if isinstance(reply, tuple) and reply[0] == "raw":
                    self._send(200, reply[1].encode())
                    return
                if isinstance(reply, tuple) and reply[0] == "sleep":
                    time.sleep(reply[1])
                    reply = reply[2]
                completion = {
                    "id": f"chatcmpl-{len(server.requests)}",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "?"),
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": reply}}
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
                }
                self._send(200, json.dumps(completion).encode())

        return Handler
