"""The run of the ``llm`` aligner (:mod:`alignbench.aligners.llm`): requests, the client and its errors,
the budget, answers and the counts that become a report's ``run`` block. One :class:`RunState` per
aligner instance; every method is safe to call from several threads."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from alignbench.aligners.llm_cache import ResponseCache, request_key
from alignbench.aligners.llm_prompt import (
    RESPONSE_FORMATS,
    Malformed,
    PromptTemplate,
    cut,
    estimate_tokens,
    messages,
    parse_answer,
    retry_messages,
)
from alignbench.records import Claim, DataError, UsageError, shorten

#: Environment variables read for the API key, in order.
KEY_VARIABLES = ("ALIGNBENCH_LLM_API_KEY", "OPENAI_API_KEY")
#: The parameters that shape a request (and so its cache key), repeated in the report's run block.
REQUEST_PARAMETERS = ("temperature", "seed", "completion_tokens", "response_format", "context")
#: Warnings kept in a report's run block (all are printed).
MAX_WARNINGS = 20


def api_key() -> str:
    """The API key from :data:`KEY_VARIABLES`, or a placeholder for servers that need none."""
    for name in KEY_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    return "no-key"


class Budget(Exception):
    """A request that the budget leaves no room for."""


def integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class RunState:
    """What one aligner instance learns while it runs: answers, the client, counts (thread-safe)."""

    def __init__(self, aligner: Any, template: PromptTemplate):
        self.aligner = aligner
        self.template = template
        self.endpoint = str(aligner.base_url).rstrip("/")
        self.cache = ResponseCache(aligner.cache)
        self.lock = threading.Lock()
        self.client_lock = threading.Lock()
        self.client_: Any = None
        self.answers: dict[str, dict[tuple[int, int], tuple[str, float]]] = {}
        self.counts = dict.fromkeys(
            ("sent", "wire", "logical", "bad_answers", "retried", "pairs_without_answer", "invented_ids",
             "duplicate_links", "without_usage"), 0)  # fmt: skip
        self.tokens = {"prompt": 0, "completion": 0}
        self.spent = {"prompt": 0, "completion": 0}
        self.reserved = 0  # estimated tokens of the requests in flight
        self.models: set[str] = set()
        self.warnings: list[str] = []

    # requests -------------------------------------------------------------------------------------

    def body(self, chat: list) -> dict[str, Any]:
        """The request body of ``chat``: everything that decides the answer (and the cache key)."""
        a = self.aligner
        body: dict[str, Any] = {"model": a.model, "messages": chat, "temperature": a.temperature}
        body["max_tokens"] = a.completion_tokens
        if a.seed is not None:
            body["seed"] = a.seed
        if RESPONSE_FORMATS[a.response_format] is not None:
            body["response_format"] = RESPONSE_FORMATS[a.response_format]
        return body

    def key(self, chat: list) -> str:
        return request_key(self.endpoint, self.template.sha256, self.body(chat))

    def check_budget(self, missing: list[list], pairs: int) -> None:
        """:class:`UsageError` before any request when the uncached requests exceed the budget."""
        a = self.aligner
        need = sum(estimate_tokens(chat) + a.completion_tokens for chat in missing)
        over = []
        if a.max_requests is not None and len(missing) > a.max_requests:
            over.append(f"max_requests={a.max_requests}")
        if a.max_tokens is not None and need > a.max_tokens:
            over.append(f"max_tokens={a.max_tokens}")
        if over:
            raise UsageError(
                f"llm: the run needs {len(missing)} request{'s' * (len(missing) != 1)} ({pairs - len(missing)} of "
                f"{pairs} article pairs are cached) and up to about {need} tokens, over the budget "
                f"{' and '.join(over)}; nothing was sent"
            )

    def _reserve(self, chat: list) -> int:
        """Count a request about to be sent and reserve its estimated tokens (returned), or raise
        :class:`Budget` if the budget has no room left for it (requests in flight included)."""
        a = self.aligner
        need = estimate_tokens(chat) + a.completion_tokens
        with self.lock:
            if a.max_requests is not None and self.counts["sent"] + 1 > a.max_requests:
                raise Budget(f"max_requests={a.max_requests}")
            spent = self.spent["prompt"] + self.spent["completion"] + self.reserved
            if a.max_tokens is not None and spent + need > a.max_tokens:
                raise Budget(f"max_tokens={a.max_tokens}")
            self.counts["sent"] += 1
            self.reserved += need
        return need

    def client(self) -> Any:
        """The OpenAI client, made on first use after checking that the endpoint serves the model."""
        with self.client_lock:
            if self.client_ is None:
                import openai

                def on_request(request: Any) -> None:
                    with self.lock:
                        self.counts["wire"] += 1

                http = openai.DefaultHttpxClient(event_hooks={"request": [on_request]})
                a = self.aligner
                client = openai.OpenAI(
                    base_url=self.endpoint,
                    api_key=api_key(),
                    timeout=a.timeout,
                    max_retries=a.retries,
                    http_client=http,
                )
                served = self._call(lambda: [m.id for m in client.models.list()], models=True)
                if served is not None and a.model not in served:
                    shown = ", ".join(shorten(m, 60) for m in sorted(served)[:5]) or "none"
                    raise UsageError(
                        f"llm: model {shorten(a.model)} is not served at {self.endpoint} (it serves: {shown})"
                    )
                self.client_ = client
            return self.client_

    def _call(self, send: Any, models: bool = False) -> Any:
        """``send()``, with the client's errors as one-line :class:`DataError` / :class:`UsageError`."""
        import openai

        with self.lock:
            self.counts["logical"] += 1
        where = f"llm: {self.endpoint}"
        try:
            return send()
        except openai.NotFoundError as err:
            if models:  # a server without a model list: the first chat request will tell
                return None
            raise DataError(f"{where}: the server answered 404 Not Found: {_status_message(err)}") from None
        except openai.AuthenticationError as err:
            raise UsageError(
                f"{where}: the server refused the API key (401): set ALIGNBENCH_LLM_API_KEY ({_status_message(err)})"
            ) from None
        except openai.APITimeoutError:
            raise DataError(
                f"{where}: no answer within {self.aligner.timeout} s, after {self.aligner.retries} retries"
            ) from None
        except openai.APIConnectionError as err:
            cause = err.__cause__ or err
            raise DataError(
                f"{where}: cannot reach the server ({_message(cause)}), after {self.aligner.retries} retries"
            ) from None
        except openai.APIStatusError as err:
            raise DataError(f"{where}: the server answered {err.status_code}: {_status_message(err)}") from None
        except (openai.OpenAIError, ValueError) as err:  # not an OpenAI answer (e.g. not JSON)
            raise DataError(
                f"{where}: not an OpenAI-compatible answer ({type(err).__name__}: {_message(err)})"
            ) from None

    def fetch(self, chat: list) -> dict[str, Any]:
        """The response to ``chat``: from the cache, else from the server (then cached)."""
        body = self.body(chat)
        key = request_key(self.endpoint, self.template.sha256, body)
        response = self.cache.get(key)
        if response is None:
            reserved = self._reserve(chat)
            try:
                client = self.client()
                completion = self._call(lambda: client.chat.completions.create(**body))
            finally:
                with self.lock:
                    self.reserved -= reserved
            try:
                choice = completion.choices[0]
                usage = completion.usage
                response = {
                    "content": choice.message.content,
                    "finish_reason": choice.finish_reason,
                    "model": completion.model,
                    "usage": None if usage is None else {
                        "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens},
                }  # fmt: skip
            except (AttributeError, IndexError, TypeError) as err:
                raise DataError(f"llm: {self.endpoint}: not an OpenAI chat completion ({err})") from None
            self.cache.put(key, self.endpoint, self.template.sha256, body, response)
            self._add_usage(response, self.spent)
        self._add_usage(response, self.tokens)
        return response

    def _add_usage(self, response: dict[str, Any], into: dict[str, int]) -> None:
        usage = response.get("usage")
        with self.lock:
            if isinstance(usage, dict) and all(integer(usage.get(f"{k}_tokens")) for k in into):
                for k in into:
                    into[k] += usage[f"{k}_tokens"]
            elif into is self.tokens:
                self.counts["without_usage"] += 1
            if into is self.tokens and isinstance(response.get("model"), str):
                self.models.add(response["model"])

    # answers -------------------------------------------------------------------------------------

    def answer(self, a: tuple[Claim, ...], b: tuple[Claim, ...]) -> dict[tuple[int, int], tuple[str, float]]:
        """The links of an article pair (asked once per instance; retried once if unusable)."""
        chat = messages(self.template, a, b, self.aligner.context)
        key = self.key(chat)
        with self.lock:
            if key in self.answers:
                return self.answers[key]
        where = f"{a[0].article_id if a else '?'} / {b[0].article_id if b else '?'}"
        try:
            first = self.fetch(chat)
        except Budget as full:  # only without plan(), which checks the budget first: predict() pair by pair
            raise UsageError(f"llm: the budget {full} is spent before {where}; nothing more is sent") from None
        try:
            parsed = parse_answer(first.get("content"), len(a), len(b))
        except Malformed as bad:
            self._count("bad_answers")
            try:
                retry = retry_messages(self.template, chat, first.get("content") or "", str(bad))
                second = self.fetch(retry)
                self._count("retried")
                parsed = parse_answer(second.get("content"), len(a), len(b))
            except Budget as full:
                self._warn(f"{where}: {bad}; not retried ({full} reached): recorded as no links")
                parsed = None
            except Malformed as again:
                self._count("bad_answers")
                self._warn(f"{where}: {bad}; the retry too: {again}: recorded as no links")
                parsed = None
        if parsed is None:
            self._count("pairs_without_answer")
            links: dict[tuple[int, int], tuple[str, float]] = {}
        else:
            links = parsed.links
            self._count("invented_ids", parsed.invented_ids)
            self._count("duplicate_links", parsed.duplicate_links)
            if parsed.invented_ids:
                n = parsed.invented_ids
                self._warn(f"{where}: {n} link{'s' * (n != 1)} named ids that were not given: ignored")
        with self.lock:
            return self.answers.setdefault(key, links)

    def _count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] += n

    def _warn(self, text: str) -> None:
        print(f"alignbench: warning: llm: {text}", file=sys.stderr)
        with self.lock:
            self.warnings.append(text)

    def info(self) -> dict[str, Any]:
        c = self.counts
        return {
            "aligner": self.aligner.name,
            "endpoint": self.endpoint,
            "model": self.aligner.model,
            "served_by": sorted(self.models),
            "prompt": {"template": self.template.name, "sha256": self.template.sha256},
            "parameters": {k: getattr(self.aligner, k) for k in REQUEST_PARAMETERS},
            "article_pairs": len(self.answers),
            "requests": {
                "cache_hits": self.cache.hits,
                "cache_misses": self.cache.misses,
                "sent": c["sent"],
                "retried_bad_answers": c["retried"],
                "retried_errors": max(0, c["wire"] - c["logical"]),
            },
            "tokens": {
                **self.tokens,
                "total": sum(self.tokens.values()),
                "responses_without_usage": c["without_usage"],
            },
            "tokens_sent": {**self.spent, "total": sum(self.spent.values())},
            "failures": {
                "bad_answers": c["bad_answers"],
                "pairs_without_answer": c["pairs_without_answer"],
                "invented_ids": c["invented_ids"],
                "duplicate_links": c["duplicate_links"],
            },
            "warnings": sorted(self.warnings)[:MAX_WARNINGS],
        }


def _message(err: BaseException) -> str:
    """An error's message on one line, short."""
    return cut(str(getattr(err, "message", None) or err or type(err).__name__), 160)


def _status_message(err: Any) -> str:
    """The server's own error message of an HTTP error answer (OpenAI's ``{"error": {"message": ...}}``)."""
    body = getattr(err, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if isinstance(body, dict) and body.get("message"):
        return cut(str(body["message"]), 160)
    return _message(err)
