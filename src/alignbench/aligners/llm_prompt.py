"""What the ``llm`` aligner says to a model and how it reads the answer: the versioned prompt template,
the JSON schema of an answer, and the checks that turn an answer into links.

The template (``aligners/prompts/llm-v1.txt``, package data) summarises GUIDELINES.md's relations and
decision order. It has three sections, ``=== system ===``, ``=== user ===`` (``$claims_a`` and
``$claims_b`` are replaced by the two articles' numbered claims) and ``=== retry ===`` (``$problem``:
what was wrong with an answer). Its SHA-256, over the file's bytes, names the prompt in reports and
cache keys: editing the file changes the hash, so old cached answers are not reused for a new prompt.

Claims are shown with short ids (``A1``.. for article A, ``B1``.. for article B), so the prompt and its
cache key depend on the claim texts, not on dataset ids, and a model has short ids to copy.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, NamedTuple

from alignbench.records import RELATIONS, Claim, UsageError, printable, shorten

SECTIONS = ("system", "user", "retry")
_SECTION = re.compile(r"^=== (\w+) ===\n", re.MULTILINE)

#: The JSON schema of an answer: links between an id of article A and one of article B.
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "a": {"type": "string"},
                    "b": {"type": "string"},
                    "relation": {"type": "string", "enum": list(RELATIONS)},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "required": ["a", "b", "relation", "confidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["links"],
    "additionalProperties": False,
}

#: What ``response_format`` asks the server for: an answer constrained to the schema, as OpenAI's
#: structured outputs spell it (OpenAI, vLLM, llama.cpp's llama-server) or as llama-cpp-python's server
#: does (``json_object`` with a ``schema``; it turns the schema into a grammar); any JSON object; or
#: nothing (the prompt alone asks for JSON).
RESPONSE_FORMATS: dict[str, dict[str, Any] | None] = {
    "json_schema": {"type": "json_schema", "json_schema": {"name": "links", "strict": True, "schema": ANSWER_SCHEMA}},
    "json_object_schema": {"type": "json_object", "schema": ANSWER_SCHEMA},
    "json_object": {"type": "json_object"},
    "none": None,
}

#: Characters per token assumed by :func:`estimate_tokens` (checked against a real tokenizer in the
#: README's cost section): three is fewer than English text takes with common tokenizers (about four),
#: so the estimate errs high, as a budget check should.
CHARS_PER_TOKEN = 3
#: Tokens a chat template adds around each message (role markers), counted by :func:`estimate_tokens`.
TOKENS_PER_MESSAGE = 8


class PromptTemplate(NamedTuple):
    """A loaded prompt template: its name, the SHA-256 of its bytes, and its three sections."""

    name: str
    sha256: str
    system: str
    user: Template
    retry: Template


def load_template(prompt: str) -> PromptTemplate:
    """The template named ``prompt``: a template shipped in ``aligners/prompts`` (``llm-v1``) or a file path.

    :class:`UsageError` if there is no such template or it lacks a section.
    """
    packaged = resources.files("alignbench.aligners") / "prompts" / f"{prompt}.txt"
    if "/" not in prompt and packaged.is_file():
        data, name = packaged.read_bytes(), prompt
    else:
        path = Path(prompt)
        if not path.is_file():
            shipped = sorted(p.name[:-4] for p in (resources.files("alignbench.aligners") / "prompts").iterdir())
            raise UsageError(
                f"llm: prompt {shorten(prompt)} is neither a shipped template ({', '.join(shipped)}) nor a file"
            )
        data, name = path.read_bytes(), str(path)
    text = data.decode("utf-8")
    parts = _SECTION.split(text)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    if parts[0].strip() or set(sections) != set(SECTIONS):
        raise UsageError(f"llm: prompt {shorten(name)} must have exactly the sections {', '.join(SECTIONS)}")
    return PromptTemplate(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        system=sections["system"].strip(),
        user=Template(sections["user"].strip()),
        retry=Template(sections["retry"].strip()),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def claim_list(claims: Sequence[Claim], prefix: str, context: bool) -> str:
    """The numbered claims of one article (``A1: text``), each with its context sentence when ``context``."""
    lines = []
    for i, claim in enumerate(claims, 1):
        lines.append(f"{prefix}{i}: {_one_line(claim.text)}")
        if context and claim.context and _one_line(claim.context) != _one_line(claim.text):
            lines.append(f"    (in context: {_one_line(claim.context)})")
    return "\n".join(lines) if lines else "(no claims)"


def messages(template: PromptTemplate, claims_a: Sequence[Claim], claims_b: Sequence[Claim], context: bool) -> list:
    """The chat messages of one article pair: the template's system text, then the two claim lists."""
    user = template.user.substitute(
        claims_a=claim_list(claims_a, "A", context), claims_b=claim_list(claims_b, "B", context)
    )
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


def retry_messages(template: PromptTemplate, first: list, answer: str, problem: str) -> list:
    """The messages of the one retry after an unusable ``answer``: the first exchange, then what was wrong."""
    return [
        *first,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": template.retry.substitute(problem=problem)},
    ]


def estimate_tokens(chat: list) -> int:
    """An estimate, erring high, of the prompt tokens of ``chat`` (see :data:`CHARS_PER_TOKEN`)."""
    return sum(math.ceil(len(m["content"]) / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE for m in chat)


def cut(text: str, width: int = 120) -> str:
    """``text`` on one printable line, cut to about ``width`` characters."""
    line = printable(" ".join(text.split()))
    return line if len(line) <= width else line[: width - 3] + "..."


class Malformed(ValueError):
    """An answer that cannot be used (not JSON, or not of the schema); the message says why, briefly."""


class Answer(NamedTuple):
    """The usable links of an answer and what was dropped from it."""

    #: (index in A, index in B) -> (relation, confidence); one entry per pair (the most confident).
    links: dict[tuple[int, int], tuple[str, float]]
    #: links naming an id that is not one of the pair's (an A id in the b place counts too)
    invented_ids: int
    #: links to a pair already linked (the most confident one is kept)
    duplicate_links: int


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


def parse_answer(content: str | None, n_a: int, n_b: int) -> Answer:
    """The links of a model's answer for an article pair with ``n_a`` and ``n_b`` claims.

    The answer must be a JSON object matching :data:`ANSWER_SCHEMA` (one surrounding Markdown code
    fence is tolerated); otherwise :class:`Malformed`. Links naming ids the prompt did not give are
    ignored and counted, not fatal.
    """
    from jsonschema import Draft7Validator  # (draft 7: also in jsonschema 3, which cffconvert of the test extra pins)

    if not content or not content.strip():
        raise Malformed("the answer is empty")
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise Malformed(f"the answer is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})") from None
    errors = sorted(Draft7Validator(ANSWER_SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the top level"
        raise Malformed(f"the answer does not match the schema at {where}: {cut(first.message)}")
    ids_a = {f"A{i}": i - 1 for i in range(1, n_a + 1)}
    ids_b = {f"B{i}": i - 1 for i in range(1, n_b + 1)}
    links: dict[tuple[int, int], tuple[str, float]] = {}
    invented = duplicates = 0
    for link in data["links"]:
        a, b = ids_a.get(link["a"].strip()), ids_b.get(link["b"].strip())
        if a is None or b is None:
            invented += 1
            continue
        confidence = float(link["confidence"])
        if (a, b) in links:
            duplicates += 1
            if confidence <= links[a, b][1]:
                continue
        links[a, b] = (link["relation"], confidence)
    return Answer(links, invented, duplicates)
