"""The response cache of the ``llm`` aligner: every answer a server gave, on disk, one JSON file each.

A response is keyed by everything that decides it (DESIGN §14): the endpoint, the whole request body
(model, messages, so the prompt and every claim text, temperature, seed, token limit, response
format), the SHA-256 of the prompt template, and the cache format's version. A re-run with the same
key reads the file instead of asking the server: it costs nothing, works offline and gives the same
report. The API key is never part of a key or an entry.

Files are ``<folder>/<key[:2]>/<key>.json``, each written atomically (temp file and rename), so an
interrupted run leaves whole entries only; the folder is created when the first entry is written.
A file that cannot be read as an entry is an error naming it, never silently replaced.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from alignbench.records import DataError

#: Version of the key and entry format: a change that alters either bumps it (old entries then miss).
CACHE_VERSION = 1


def canonical(value: Any) -> str:
    """JSON text with sorted keys and no spaces: the same value always hashes the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_key(endpoint: str, prompt_sha256: str, body: dict[str, Any]) -> str:
    """The cache key (64 hex digits) of a request ``body`` sent to ``endpoint`` with a prompt template."""
    material = {"cache_version": CACHE_VERSION, "endpoint": endpoint, "prompt_sha256": prompt_sha256, "request": body}
    return hashlib.sha256(canonical(material).encode("utf-8")).hexdigest()


class ResponseCache:
    """Cached responses under ``folder`` (None: nothing is kept), with hit and miss counts.

    Safe to share between threads: the counts are kept under a lock, and each entry is its own file.
    """

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder is not None else None
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def path(self, key: str) -> Path | None:
        """Where the entry of ``key`` lives (None without a folder)."""
        return None if self.folder is None else self.folder / key[:2] / f"{key}.json"

    def peek(self, key: str) -> dict[str, Any] | None:
        """The response stored under ``key`` (or None), without counting a hit or a miss."""
        path = self.path(key)
        if path is None or not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataError(
                f"{path}: not a readable cache entry ({err}); move it away to ask the server again"
            ) from None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("response"), dict):
            raise DataError(f"{path}: not a cache entry of this request (its key or response is missing or differs)")
        return entry["response"]

    def get(self, key: str) -> dict[str, Any] | None:
        """The response stored under ``key``, counting a hit; None (counting a miss) if there is none."""
        response = self.peek(key)
        with self._lock:
            if response is None:
                self.misses += 1
            else:
                self.hits += 1
        return response

    def put(self, key: str, endpoint: str, prompt_sha256: str, body: dict[str, Any], response: dict[str, Any]) -> None:
        """Store ``response`` to the request ``body`` under ``key`` (atomically; a no-op without a folder)."""
        path = self.path(key)
        if path is None:
            return
        from alignbench.fileio import write_text_atomic

        entry = {
            "cache_version": CACHE_VERSION,
            "key": key,
            "endpoint": endpoint,
            "prompt_sha256": prompt_sha256,
            "request": body,
            "response": response,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(entry, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
