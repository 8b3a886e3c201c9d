"""The ``llm`` aligner: a chat model behind an OpenAI-compatible API labels each article pair's links.

It needs the optional extra ``llm`` (the official ``openai`` client and ``jsonschema``). One request per
article pair lists both articles' claims with short ids (and, with ``context=true``, each claim's
sentence) under a versioned prompt (:mod:`alignbench.aligners.llm_prompt`) and asks for the linked
pairs, each with a relation and a confidence, as JSON checked against a schema. The confidence is the
pair's score; pairs it does not list score 0 and are labelled ``none``.

- **API key**: read from the environment variable ``ALIGNBENCH_LLM_API_KEY`` (else ``OPENAI_API_KEY``;
  a local server needs none). It is never a parameter, so never in a report, a cache entry or a log.
- **Cache** (``cache=PATH``, :mod:`alignbench.aligners.llm_cache`): every response is kept, keyed by
  endpoint, model, prompt hash, parameters and claim texts; a re-run asks nothing of the server.
- **Robustness**: ``concurrency`` requests at once; the client retries rate limits, timeouts and server
  errors ``retries`` times with backoff; the budget (``max_requests``, ``max_tokens``: requests the
  cache cannot answer, and their estimated tokens) is checked before the first request and refused up
  front when the split would exceed it. An answer that is not JSON of the schema (a relation out of
  the vocabulary included) is retried once with what was wrong, then recorded as no links for that
  pair, with a warning. Links naming ids that were not given are ignored. All of it is counted in the
  report's ``run`` block (:meth:`LLMAligner.run_info`), with the tokens used.

Deterministic by default (temperature 0, seed 0); the report reproduces exactly from the cache.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from alignbench.aligners.llm_cache import ResponseCache, request_key
from alignbench.aligners.llm_prompt import (
    RESPONSE_FORMATS,
    Malformed,
    PromptTemplate,
    cut,
    estimate_tokens,
    load_template,
    messages,
    parse_answer,
    retry_messages,
)
from alignbench.aligners.protocol import BaseAligner
from alignbench.records import Claim, DataError, UsageError, shorten

EXTRA = "llm"
INSTALL = "pip install -e '.[llm]' in a clone of alignbench"
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


class _Budget(Exception):
    """A request that the budget leaves no room for."""


class LLMAligner(BaseAligner):
    """A chat model that decides links and relations itself (``predict``; see the module docstring)."""

    name = "llm"
    tolerance = 0.0
    tolerance_reason = (
        "exact from the response cache: the labels are parsed from cached answers; a run that asks the server "
        "again may differ (another server, build, CPU or model version), which is why every answer is cached"
    )
    packages = ("openai", "jsonschema")

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        prompt: str = "llm-v1",
        context: bool = False,
        temperature: float = 0.0,
        seed: int | None = 0,
        completion_tokens: int = 1024,
        response_format: str = "json_schema",
        timeout: float = 120.0,
        retries: int = 4,
        concurrency: int = 4,
        max_requests: int | None = None,
        max_tokens: int | None = None,
        cache: str | None = None,
    ):
        self.base_url = base_url
        self.model = model
        self.prompt = prompt
        self.context = context
        self.temperature = temperature
        self.seed = seed
        self.completion_tokens = completion_tokens
        self.response_format = response_format
        self.timeout = timeout
        self.retries = retries
        self.concurrency = concurrency
        self.max_requests = max_requests
        self.max_tokens = max_tokens
        self.cache = cache

    # --- parameters ---------------------------------------------------------------------------

    def _validate(self) -> None:
        missing = [m for m in ("openai", "jsonschema") if importlib.util.find_spec(m) is None]
        if missing:
            raise UsageError(
                f"aligner {self.name!r} needs the optional extra {EXTRA!r} ({', '.join(missing)}): {INSTALL}"
            )
        if not (isinstance(self.base_url, str) and self.base_url.startswith(("http://", "https://"))):
            raise self._invalid(
                "base_url", "an http:// or https:// URL of an OpenAI-compatible API (--param base_url=URL)"
            )
        if not (isinstance(self.model, str) and self.model.strip()):
            raise self._invalid("model", "the name of a model the server serves (--param model=NAME)")
        for param, low in (("completion_tokens", 1), ("retries", 0), ("concurrency", 1)):
            if not _integer(getattr(self, param)) or getattr(self, param) < low:
                raise self._invalid(param, f"an integer >= {low}")
        for param in ("max_requests", "max_tokens"):
            value = getattr(self, param)
            if value is not None and (not _integer(value) or value < 0):
                raise self._invalid(param, "a non-negative integer, or null for no limit")
        if self.seed is not None and not _integer(self.seed):
            raise self._invalid("seed", "an integer, or null to send none")
        if not _number(self.temperature) or not 0 <= self.temperature <= 2:
            raise self._invalid("temperature", "a number from 0 to 2")
        if not _number(self.timeout) or self.timeout <= 0:
            raise self._invalid("timeout", "a positive number of seconds")
        if not isinstance(self.context, bool):
            raise self._invalid("context", "true or false")
        if self.response_format not in RESPONSE_FORMATS:
            raise self._invalid("response_format", f"one of {', '.join(RESPONSE_FORMATS)}")
        if self.cache is not None and not (isinstance(self.cache, str) and self.cache):
            raise self._invalid("cache", "a folder path, or null to keep nothing")
        if not isinstance(self.prompt, str):
            raise self._invalid("prompt", "the name of a shipped template or a template file")
        load_template(self.prompt)

    # --- state (created on first use; the parameters above stay a plain record) ---------------

    def _state(self) -> _RunState:
        state = getattr(self, "state_", None)
        if state is None:
            self._validate()
            state = self.state_ = _RunState(self, load_template(self.prompt))
        return state

    # --- the Labeller hooks ------------------------------------------------------------------

    def plan(self, pairs: Sequence[tuple[Sequence[Claim], Sequence[Claim]]]) -> None:
        """Answer every article pair of a run: the cache first, then the server for the rest,
        ``concurrency`` at a time, after checking the budget against what the cache cannot answer."""
        from alignbench.progress import progress

        state = self._state()
        todo: dict[str, tuple[tuple[Claim, ...], tuple[Claim, ...]]] = {}
        missing = []
        for a, b in pairs:
            chat = messages(state.template, a, b, self.context)
            key = state.key(chat)
            if key not in todo:
                todo[key] = (tuple(a), tuple(b))
                if state.cache.peek(key) is None:
                    missing.append(chat)
        state.check_budget(missing, len(todo))
        if missing:
            state.client()  # reachable, and serving the model, before anything is sent
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = [pool.submit(state.answer, a, b) for a, b in todo.values()]
            for future in progress(as_completed(futures), "llm (article pairs)", total=len(futures), unit="pair"):
                if future.exception() is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise future.exception()  # type: ignore[misc]

    def predict(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> tuple[np.ndarray, np.ndarray]:
        """Scores (the model's confidence; 0 where it lists no link) and labels of every claim pair."""
        links = self._state().answer(tuple(claims_a), tuple(claims_b))
        scores = np.zeros((len(claims_a), len(claims_b)))
        labels = np.full((len(claims_a), len(claims_b)), "none", dtype=object)
        for (i, j), (relation, confidence) in links.items():
            scores[i, j], labels[i, j] = confidence, relation
        return scores, labels

    def score(self, claims_a: Sequence[Claim], claims_b: Sequence[Claim]) -> np.ndarray:
        """The scores of :meth:`predict`."""
        return self.predict(claims_a, claims_b)[0]

    def run_info(self) -> dict[str, Any]:
        """The report's ``run`` block: model, prompt, requests, cache hits and misses, tokens, failures."""
        return self._state().info()


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _RunState:
    """What one aligner instance learns while it runs: answers, the client, counts (thread-safe)."""

    def __init__(self, aligner: LLMAligner, template: PromptTemplate):
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
                f"llm: the run needs {len(missing)} requests ({pairs - len(missing)} of {pairs} article pairs are "
                f"cached) and up to about {need} tokens, over the budget {' and '.join(over)}; nothing was sent"
            )

    def _reserve(self, chat: list) -> None:
        """Count a request about to be sent, or raise :class:`_Budget` if the budget has no room left."""
        a = self.aligner
        with self.lock:
            if a.max_requests is not None and self.counts["sent"] + 1 > a.max_requests:
                raise _Budget(f"max_requests={a.max_requests}")
            spent = self.spent["prompt"] + self.spent["completion"]
            if a.max_tokens is not None and spent + estimate_tokens(chat) + a.completion_tokens > a.max_tokens:
                raise _Budget(f"max_tokens={a.max_tokens}")
            self.counts["sent"] += 1

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
            raise DataError(f"{where}: the server answered 404 Not Found: {_message(err)}") from None
        except openai.AuthenticationError as err:
            raise UsageError(
                f"{where}: the server refused the API key (401): set ALIGNBENCH_LLM_API_KEY ({_message(err)})"
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
            raise DataError(f"{where}: the server answered {err.status_code}: {_message(err)}") from None
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
            self._reserve(chat)
            client = self.client()
            completion = self._call(lambda: client.chat.completions.create(**body))
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
            if isinstance(usage, dict) and all(_integer(usage.get(f"{k}_tokens")) for k in into):
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
        first = self.fetch(chat)
        try:
            parsed = parse_answer(first.get("content"), len(a), len(b))
        except Malformed as bad:
            self._count("bad_answers")
            try:
                retry = retry_messages(self.template, chat, first.get("content") or "", str(bad))
                second = self.fetch(retry)
                self._count("retried")
                parsed = parse_answer(second.get("content"), len(a), len(b))
            except _Budget as full:
                self._warn(f"{where}: {bad}; not retried ({full} reached): recorded as no links")
                parsed = None
            except Malformed as again:
                self._count("bad_answers")
                self._warn(f"{where}: {bad}; the retry too: {again}: recorded as no links")
                parsed = None
        except _Budget as full:  # only without plan(): predict() called pair by pair
            raise UsageError(f"llm: the budget {full} is spent; nothing more is sent") from None
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
