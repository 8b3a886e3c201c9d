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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from alignbench.aligners.llm_prompt import RESPONSE_FORMATS, load_template, messages
from alignbench.aligners.llm_run import RunState, integer, number
from alignbench.aligners.protocol import BaseAligner
from alignbench.records import Claim, UsageError

EXTRA = "llm"
INSTALL = "pip install -e '.[llm]' in a clone of alignbench"


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
            if not integer(getattr(self, param)) or getattr(self, param) < low:
                raise self._invalid(param, f"an integer >= {low}")
        for param in ("max_requests", "max_tokens"):
            value = getattr(self, param)
            if value is not None and (not integer(value) or value < 0):
                raise self._invalid(param, "a non-negative integer, or null for no limit")
        if self.seed is not None and not integer(self.seed):
            raise self._invalid("seed", "an integer, or null to send none")
        if not number(self.temperature) or not 0 <= self.temperature <= 2:
            raise self._invalid("temperature", "a number from 0 to 2")
        if not number(self.timeout) or self.timeout <= 0:
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

    def _state(self) -> RunState:
        state = getattr(self, "state_", None)
        if state is None:
            self._validate()
            state = self.state_ = RunState(self, load_template(self.prompt))
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
