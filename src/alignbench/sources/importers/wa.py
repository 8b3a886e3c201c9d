"""Read the interpretable-STS ``.wa`` alignment format and its ``[ chunk ]`` files (format only).

A ``.wa`` file is pseudo-XML and not well-formed, so it is read line by line::

    <sentence id="7" status="">
    // the two sentences , tokenised , one per line
    // tokens are separated by one space
    <source>
    1 the :
    ...
    </source>
    <translation> ... </translation>
    <alignment>
    1 2 <==> 3 // EQUI // 5 // the two <==> tokens
    0 <==> 1 // NOALI // NIL // -not aligned- <==> tokens
    </alignment>
    </sentence>

Token ids are 1-based positions in the space-separated tokens of the ``// `` line; ``0`` means
"no token" (NOALI, ALIC). The ``<source>``/``<translation>`` token lists repeat the ``// ``
lines; the ``// `` line is what counts and the lists are only checked against it.

Problems that leave a pair unreadable are collected as errors, ``file:line: problem``; deviations
that have one safe reading are read so and reported as warnings. Nothing is skipped silently.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from alignbench.records import normal_form_note, shown_text

#: Alignment types of the task; NOALI and ALIC mean "not aligned" and need a ``0`` side.
TYPES: tuple[str, ...] = ("EQUI", "OPPO", "SPE1", "SPE2", "SIMI", "REL", "NOALI", "ALIC")
UNALIGNED_TYPES: frozenset[str] = frozenset({"NOALI", "ALIC"})
#: Optional modifiers joined to a type by ``_`` (factuality, polarity).
MODIFIERS: tuple[str, ...] = ("FACT", "POL")
NOT_ALIGNED_TEXT = "-not aligned-"

_SENTENCE = re.compile(r'^<sentence id="(\d+)"[^>]*>$')
_IDS = re.compile(r"^\d+(?: \d+)*$")
_TOKEN_LINE = re.compile(r"^(\d+) (\S+?)\s*:\s*$")
_CANONICAL_TOKEN_LINE = re.compile(r"^\d+ \S+ :\s*$")


class WaAlignment(NamedTuple):
    """One ``<alignment>`` line: token ids of each side (``()`` for ``0``), type, score, text."""

    line: int
    ids1: tuple[int, ...]
    ids2: tuple[int, ...]
    type: str
    score: int | None
    text1: str
    text2: str

    @property
    def base_type(self) -> str:
        """The type without its FACT/POL modifiers (``SPE1_FACT`` -> ``SPE1``)."""
        return self.type.split("_", 1)[0]

    @property
    def aligned(self) -> bool:
        """True for a link between two chunks, False for NOALI/ALIC."""
        return self.base_type not in UNALIGNED_TYPES


class WaPair(NamedTuple):
    """One ``<sentence>`` block: the pair's id, its first line, both ``// `` lines, its alignments."""

    pair_id: int
    line: int
    sentence1: str
    sentence2: str
    alignments: tuple[WaAlignment, ...]

    def tokens(self, side: int) -> list[str]:
        """The space-separated tokens of sentence ``side`` (1 or 2); token id i is item i - 1."""
        return (self.sentence1 if side == 1 else self.sentence2).split(" ")


class WaFile(NamedTuple):
    """A parsed ``.wa`` file: its readable pairs, errors and warnings (``name:line: message``)."""

    pairs: tuple[WaPair, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def first_difference(a: list[str], b: list[str]) -> str:
    """The first place where two token lists differ, both tokens shown so that the difference can
    be seen (combining marks escaped, a note when only the Unicode normal form differs)."""
    for i, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return f"token {i} is {shown_text(x)} vs {shown_text(y)}{normal_form_note(x, y)}"
    return f"{len(a)} tokens vs {len(b)}"


def token_offsets(sentence: str) -> list[tuple[int, int]]:
    """Character ``(start, end)`` of each space-separated token of ``sentence``, in order."""
    spans, start = [], 0
    for token in sentence.split(" "):
        spans.append((start, start + len(token)))
        start += len(token) + 1
    return spans


def parse_type(text: str) -> tuple[str, tuple[str, ...]] | None:
    """``(type, modifiers)`` of a type string such as ``SPE1_FACT``, or None if it is not one."""
    base, *mods = text.split("_")
    if base not in TYPES or any(m not in MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return None
    return base, tuple(mods)


def _parse_ids(text: str) -> tuple[int, ...] | None:
    if not _IDS.match(text):
        return None
    return tuple(int(x) for x in text.split(" "))


def _parse_alignment(number: int, line: str) -> tuple[WaAlignment | None, str | None]:
    """(alignment, None) for a well-formed alignment line, or (None, the problem)."""
    parts = line.strip().split(" // ", 3)
    if len(parts) != 4:
        return None, "expected 'IDS <==> IDS // TYPE // SCORE // TEXT <==> TEXT'"
    ids, kind, score_text, text = (p.strip() for p in parts)
    sides = ids.split(" <==> ")
    parsed = [_parse_ids(s) for s in sides] if len(sides) == 2 else [None]
    if None in parsed:
        return None, f"bad token ids {ids!r} (expected space-separated numbers on each side of '<==>')"
    ids1, ids2 = parsed
    if parse_type(kind) is None:
        return None, f"unknown type {kind!r} (expected one of {', '.join(TYPES)}, optionally _FACT/_POL)"
    if score_text == "NIL":
        score = None
    elif score_text in "012345" and len(score_text) == 1:
        score = int(score_text)
    else:
        return None, f"bad score {score_text!r} (expected 0-5 or NIL)"
    texts = [t.strip() for t in text.split(" <==> ")]
    text1, text2 = [*texts, ""][:2] if len(texts) <= 2 else (texts[0], " <==> ".join(texts[1:]))
    return WaAlignment(number, ids1, ids2, kind, score, text1, text2), None


def _check_alignment(
    a: WaAlignment, tokens: tuple[list[str], list[str]], name: str
) -> tuple[WaAlignment | None, list[str], list[str]]:
    """Check one alignment against the pair's tokens: (alignment with ``0`` as ``()``, errors, warnings)."""
    errors, warnings, sides = [], [], []
    for side, ids in ((1, a.ids1), (2, a.ids2)):
        if ids == (0,):
            sides.append(())
            continue
        bad = [i for i in ids if not 1 <= i <= len(tokens[side - 1])]
        if bad:
            errors.append(
                f"{name}:{a.line}: token id {bad[0]} is not in sentence {side} ({len(tokens[side - 1])} tokens)"
            )
        elif len(set(ids)) != len(ids):
            errors.append(f"{name}:{a.line}: a token id is repeated on side {side}")
        sides.append(tuple(sorted(ids)))
    if errors:
        return None, errors, warnings
    ids1, ids2 = sides
    if not ids1 and not ids2:
        return None, [f"{name}:{a.line}: both sides are 0"], warnings
    if a.aligned != bool(ids1 and ids2):
        why = "a 0 side" if a.aligned else "tokens on both sides"
        return None, [f"{name}:{a.line}: type {a.type} with {why}"], warnings
    if not a.aligned and a.score not in (None, 0):
        warnings.append(
            f"{name}:{a.line}: {a.type} line with score {a.score} (expected NIL); read as not aligned, score kept"
        )
    for side, ids, text in ((1, ids1, a.text1), (2, ids2, a.text2)):
        expected = " ".join(tokens[side - 1][i - 1] for i in ids) if ids else NOT_ALIGNED_TEXT
        if text != expected:
            warnings.append(f"{name}:{a.line}: text of side {side} is not its tokens; the token ids are used")
    return a._replace(ids1=ids1, ids2=ids2), errors, warnings


class _Block:
    """The pair being read: its lines so far."""

    def __init__(self, pair_id: int, line: int):
        self.pair_id, self.line = pair_id, line
        self.sentences: list[tuple[int, str]] = []
        self.lists: dict[str, list[tuple[int, str]]] = {"source": [], "translation": []}
        self.alignments: list[WaAlignment] = []
        self.errors: list[str] = []


def _finish(block: _Block, name: str, warnings: list[str]) -> tuple[WaPair | None, list[str]]:
    """The pair of a closed block, or None, with the block's errors."""
    errors = list(block.errors)
    if len(block.sentences) != 2:
        return None, [
            *errors,
            f"{name}:{block.line}: pair {block.pair_id} has {len(block.sentences)} '// ' lines, expected 2",
        ]
    tokens = ([], [])
    for side, (number, sentence) in enumerate(block.sentences):
        if sentence != sentence.strip() or "  " in sentence or not sentence:
            errors.append(f"{name}:{number}: sentence {side + 1} has empty tokens (leading, trailing or double spaces)")
        tokens[side].extend(sentence.split(" "))
    for side, key in ((0, "source"), (1, "translation")):
        rows = block.lists[key]
        listed = [m.groups() if (m := _TOKEN_LINE.match(text)) else None for _, text in rows]
        first = rows[0][0] if rows else block.line
        if None in listed or [int(i) for i, _ in listed] != list(range(1, len(listed) + 1)):
            warnings.append(
                f"{name}:{first}: <{key}> token list is not 'ID TOKEN :' lines numbered 1..n; the '// ' line is used"
            )
        elif [t for _, t in listed] != tokens[side]:
            warnings.append(
                f"{name}:{first}: <{key}> token list differs from the '// ' line "
                f"({first_difference([t for _, t in listed], tokens[side])}); the '// ' line is used"
            )
        elif not all(_CANONICAL_TOKEN_LINE.match(text) for _, text in rows):
            lines = [n for n, text in rows if not _CANONICAL_TOKEN_LINE.match(text)]
            warnings.append(
                f"{name}:{lines[0]}: <{key}> has {len(lines)} token line(s) without ' : ' before the line end; read leniently"
            )
    if errors:
        return None, errors
    kept = []
    for a in block.alignments:
        checked, found, warned = _check_alignment(a, tokens, name)
        errors += found
        warnings += warned
        if checked:
            kept.append(checked)
    if errors:
        return None, errors
    return WaPair(block.pair_id, block.line, block.sentences[0][1], block.sentences[1][1], tuple(kept)), []


def parse_wa(text: str, name: str) -> WaFile:
    """Parse the text of a ``.wa`` file; ``name`` prefixes every message (``name:line: ...``).

    A pair with any error is left out of ``pairs`` (and named in ``errors``); the caller decides
    whether errors are fatal (importing gold: yes). A leading byte-order mark is dropped with a
    warning; a run of lines outside any block is one error, at its first line.
    """
    pairs: list[WaPair] = []
    errors: list[str] = []
    warnings: list[str] = []
    block: _Block | None = None
    section: str | None = None
    if text.startswith("\ufeff"):
        text = text[1:]
        warnings.append(f"{name}:1: starts with a UTF-8 byte-order mark (U+FEFF); read without it")
    lines = text.split("\n")
    stray: list[int] = []  # the run of lines outside a block being read

    def close_stray() -> None:
        if stray:
            more = f" (and {len(stray) - 1} more line(s) up to line {stray[-1]})" if len(stray) > 1 else ""
            errors.append(f"{name}:{stray[0]}: unexpected line outside a <sentence> block{more}")
            stray.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if block is None:
            match = _SENTENCE.match(stripped)
            if match:
                close_stray()
                block, section = _Block(int(match.group(1)), number), None
            elif stripped:
                stray.append(number)
            continue
        if section in ("source", "translation"):
            if stripped == f"</{section}>":
                section = None
            elif stripped:
                block.lists[section].append((number, line))
        elif section == "alignment":
            if stripped == "</alignment>":
                section = None
            elif stripped:
                alignment, problem = _parse_alignment(number, line)
                if problem:
                    block.errors.append(f"{name}:{number}: {problem}")
                else:
                    block.alignments.append(alignment)
        elif stripped in ("<source>", "<translation>", "<alignment>"):
            section = stripped[1:-1]
        elif line.startswith("// "):
            block.sentences.append((number, line[3:]))
        elif stripped == "</sentence>":
            pair, found = _finish(block, name, warnings)
            errors += found
            if pair:
                pairs.append(pair)
            block = None
        elif stripped:
            block.errors.append(f"{name}:{number}: unexpected line in pair {block.pair_id}")
    close_stray()
    if block is not None:
        errors.append(f"{name}:{block.line}: pair {block.pair_id} is not closed by </sentence>")
    seen: set[int] = set()
    for pair in pairs:
        if pair.pair_id in seen:
            errors.append(f"{name}:{pair.line}: pair id {pair.pair_id} is repeated")
        seen.add(pair.pair_id)
    return WaFile(tuple(pairs), tuple(errors), tuple(warnings))


def parse_chunk_line(line: str) -> tuple[list[str], list[tuple[int, ...]], list[str]]:
    """Tokens, chunks (1-based token ids) and repairs made, of one line of a ``.chunk.txt`` file.

    Repair rules (each reported in the returned list):
    - a bracket glued to a token (``[word``, ``word]``) is split off;
    - ``[`` inside an open chunk closes that chunk first; a ``]`` with no open chunk is ignored;
      a chunk still open at the line end is closed there;
    - a run of consecutive tokens outside any brackets becomes one chunk.
    """
    repairs: list[str] = []
    pieces: list[str] = []
    for piece in line.split():
        if len(piece) > 1 and (piece.startswith("[") or piece.endswith("]")):
            repairs.append(f"bracket glued to a token ({len(piece) - 1} characters); split off")
            head, core, tail = piece[:1] == "[", piece.strip("[]"), piece[-1:] == "]"
            pieces += ["["] * head + ([core] if core else []) + ["]"] * tail
        else:
            pieces.append(piece)
    tokens: list[str] = []
    chunks: list[tuple[int, ...]] = []
    current: list[int] | None = None
    outside: list[int] = []

    def close_outside() -> None:
        if outside:
            repairs.append(f"tokens {outside[0]}-{outside[-1]} are outside brackets; made one chunk")
            chunks.append(tuple(outside))
            outside.clear()

    for piece in pieces:
        if piece == "[":
            close_outside()
            if current is not None:
                repairs.append(f"'[' inside an open chunk after token {len(tokens)}; the open chunk is closed there")
                if current:
                    chunks.append(tuple(current))
            current = []
        elif piece == "]":
            if current is None:
                repairs.append(f"']' with no open chunk after token {len(tokens)}; ignored")
            elif current:
                chunks.append(tuple(current))
            current = None
        else:
            tokens.append(piece)
            (outside if current is None else current).append(len(tokens))
    close_outside()
    if current:
        repairs.append("chunk still open at the line end; closed there")
        chunks.append(tuple(current))
    return tokens, chunks, repairs
