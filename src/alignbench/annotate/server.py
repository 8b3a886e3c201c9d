"""The workbench's web server: one page and a small JSON API, on 127.0.0.1 only, behind a token.

Built on Starlette (routing, requests, responses) and served by uvicorn on a socket bound here to
127.0.0.1, so the port is checked before anything starts and nothing listens on other addresses.
Every request must carry the session's random token (``?token=`` in the page's URL, then the
``X-Workbench-Token`` header); a Host header other than 127.0.0.1 or localhost is refused (DNS
rebinding). The page loads nothing from the network: its script and style are inlined with a
nonce, and the Content-Security-Policy allows only this origin.
"""

from __future__ import annotations

import errno
import json
import secrets
import socket
import sys
import threading
from importlib import resources
from typing import Any

from alignbench.annotate import drafts
from alignbench.annotate.problems import SaveRefused
from alignbench.annotate.session import Session
from alignbench.records import DataError

#: The largest request body accepted (a draft of a large cluster is well below this).
MAX_BODY = 32 * 1024 * 1024
HOST = "127.0.0.1"


def require_extra() -> None:
    """Fail in one line, before any work, where the optional extra ``annotate`` is not installed."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as err:
        raise DataError(
            f"the workbench needs the optional extra ({err.name} is missing): pip install 'alignbench[annotate]'"
        ) from None


def page_html(nonce: str) -> str:
    """The page with its style and script inlined (no other request than the API)."""
    static = resources.files("alignbench.annotate") / "static"
    html = (static / "workbench.html").read_text(encoding="utf-8")
    style = (static / "workbench.css").read_text(encoding="utf-8")
    script = (static / "workbench.js").read_text(encoding="utf-8")
    return html.replace("{{NONCE}}", nonce).replace("/*STYLE*/", style).replace("/*SCRIPT*/", script)


def make_app(session: Session):
    """The Starlette application of one session."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    lock = threading.Lock()  # one save or draft write at a time

    def secure(response: Response, csp: str = "default-src 'none'") -> Response:
        response.headers["Content-Security-Policy"] = csp
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def as_json(data: Any, status: int = 200) -> Response:
        return secure(JSONResponse(data, status_code=status))

    async def body(request: Request) -> dict[str, Any]:
        data = await request.body()
        if len(data) > MAX_BODY:
            raise ValueError("request too large")
        value = json.loads(data or b"{}")
        if not isinstance(value, dict):
            raise ValueError("expected a JSON object")
        return value

    async def page(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        return secure(HTMLResponse(page_html(nonce)), csp)

    async def state(request: Request) -> Response:
        def load() -> dict[str, Any]:
            data = session.state()
            data["draft"] = drafts.read_draft(session.root, session.cluster, session.draft_key)
            return data

        return as_json(await run_in_threadpool(load))

    async def draft(request: Request) -> Response:
        if request.method == "DELETE":
            with lock:
                drafts.remove_draft(session.root, session.cluster, session.draft_key)
            return as_json({"ok": True})
        try:
            value = await body(request)
        except ValueError as err:
            return as_json({"message": f"bad draft: {err}"}, 400)

        def write() -> None:
            with lock:
                drafts.write_draft(session.root, session.cluster, session.draft_key, value)

        await run_in_threadpool(write)
        return as_json({"ok": True})

    async def save(request: Request) -> Response:
        try:
            payload = await body(request)
        except ValueError as err:
            return as_json({"message": f"bad request: {err}"}, 400)

        def run() -> dict[str, Any]:
            with lock:
                result = session.save(payload)
                drafts.remove_draft(session.root, session.cluster, session.draft_key)
                return result

        try:
            return as_json({"ok": True, **await run_in_threadpool(run)})
        except SaveRefused as refused:
            return as_json({"ok": False, **refused.body}, refused.status)
        except (KeyError, TypeError, ValueError, AttributeError) as err:  # a malformed request, not a crash
            return as_json({"ok": False, "message": f"bad request: {type(err).__name__}: {err}"}, 400)
        except OSError as err:
            return as_json({"ok": False, "message": f"could not write: {err.strerror or err}"}, 500)

    async def sentences(request: Request) -> Response:
        from alignbench.sources.segment import sentences as split

        try:
            value = await body(request)
            raw = next(
                a["raw_text"] for a in session.base_state()["articles"] if a["article_id"] == value["article_id"]
            )
            ranges = tuple((int(s), int(e)) for s, e in value["kept_ranges"])
        except (ValueError, KeyError, TypeError, StopIteration):
            return as_json({"message": "bad request"}, 400)
        return as_json({"sentences": [list(x) for x in split(raw, ranges)]})

    class TokenGate:
        """Refuse every request without the session's token (403), before any route runs."""

        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                request = Request(scope)
                given = request.headers.get("x-workbench-token") or request.query_params.get("token") or ""
                if not secrets.compare_digest(given.encode(), session.token.encode()):
                    message = (
                        "forbidden: open the workbench with the URL (and token) that alignbench annotate printed\n"
                    )
                    await secure(PlainTextResponse(message, status_code=403))(scope, receive, send)
                    return
            await self.app(scope, receive, send)

    routes = [
        Route("/", page),
        Route("/api/state", state),
        Route("/api/draft", draft, methods=["POST", "DELETE"]),
        Route("/api/save", save, methods=["POST"]),
        Route("/api/sentences", sentences, methods=["POST"]),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=[HOST, "localhost"]), Middleware(TokenGate)]
    return Starlette(routes=routes, middleware=middleware)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: any free port); one line if the port is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # on Linux this never shares a live listener
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise DataError(
                f"{HOST}:{port}: port in use (another workbench?): give another --port (0: any free port)"
            ) from None
        raise DataError(f"{HOST}:{port}: cannot listen ({err.strerror or err})") from None
    return sock


def serve(session: Session, port: int) -> int:
    """Serve the workbench until interrupted (Ctrl+C); unsaved work is kept as a draft."""
    import uvicorn

    sock = bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/?token={session.token}"
    what = (
        f"pass {session.pass_name}"
        if session.pass_name
        else "adjudication of " + " and ".join(session.adjudicate or ())
    )
    print(f"alignbench annotate: {session.cluster}, {what}: open {url}", flush=True)
    print("alignbench annotate: Ctrl+C stops the server; unsaved work is kept as a draft", file=sys.stderr, flush=True)
    config = uvicorn.Config(make_app(session), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
