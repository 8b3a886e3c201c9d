"""The citation of alignbench: ``CITATION.cff`` (the one source, shipped in the wheel as
``alignbench/_meta/CITATION.cff``) plus the dataset version and source hash of the data, as BibTeX,
CFF or plain text (``alignbench cite``; the dataset card's citation too).

BibTeX is written for ``plain.bst`` and its kin: the author is a group, braced so that BibTeX does
not read it as a person's first and last name; the version is in ``howpublished`` (which ``@misc``
prints; a ``version`` field is ignored by the standard styles) and kept as ``version`` too for
biblatex; the title is braced so that styles keep its capitals; the dataset version and the first
12 hex digits of the source hash go into ``note``. No URL or DOI is printed until CITATION.cff has one.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from alignbench._version import __version__
from alignbench.records import DataError


class Citation(NamedTuple):
    """What a citation says: the CFF file's fields and text, and the data it describes."""

    cff: dict[str, Any]
    text: str
    path: Path
    dataset_version: str | None
    source_sha256: str | None


def citation_file() -> Path:
    """``CITATION.cff``: ``alignbench/_meta`` in an installed wheel, else the checkout's top folder."""
    bundled = Path(str(resources.files("alignbench"))) / "_meta" / "CITATION.cff"
    if bundled.is_file():
        return bundled
    checkout = Path(__file__).resolve().parents[3] / "CITATION.cff"
    if checkout.is_file():
        return checkout
    raise DataError("no CITATION.cff found: it ships in the wheel (alignbench/_meta) and sits at a clone's top")


def read_citation(
    path: str | Path | None = None, data_dir: str | Path | None = None, data: tuple[str, str] | None = None
) -> Citation:
    """The citation of ``path`` (default: :func:`citation_file`) with the data of ``data_dir``
    (default: the bundled dataset), or ``data`` = (dataset version, source hash) when given (a build
    that is writing the data). :class:`DataError` if the file is not CFF of this version."""
    import yaml

    path = Path(path) if path is not None else citation_file()
    try:
        text = path.read_text(encoding="utf-8")
        cff = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise DataError(f"{path}: cannot read the citation ({' '.join(str(err).split())[:200]})") from None
    if not isinstance(cff, dict) or not isinstance(cff.get("title"), str) or not cff.get("authors"):
        raise DataError(f"{path}: not a citation file (CFF needs a title and authors)")
    if str(cff.get("version")) != __version__:
        raise DataError(f"{path}: version {cff.get('version')} is not the installed alignbench {__version__}")
    if data is not None:
        return Citation(cff, text, path, *data)
    from alignbench.dataset.load import dataset_metadata

    meta = dataset_metadata(data_dir=data_dir)
    return Citation(cff, text, path, meta.get("dataset_version"), meta.get("source_sha256"))


#: Formats of ``alignbench cite``.
CITE_FORMATS = ("bibtex", "cff", "text")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _released(cff: dict[str, Any]) -> dt.date | None:
    value = cff.get("date-released")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _authors(cff: dict[str, Any]) -> list[str]:
    """Each author as BibTeX wants it: a group braced whole, a person as ``Family, Given``."""
    out = []
    for author in cff.get("authors") or []:
        if "name" in author:
            out.append("{" + str(author["name"]) + "}")
        else:
            given, family = author.get("given-names", ""), author.get("family-names", "")
            out.append(f"{family}, {given}".strip(", "))
    return out


def _author_text(cff: dict[str, Any]) -> str:
    names = []
    for author in cff.get("authors") or []:
        names.append(
            str(author.get("name") or f"{author.get('given-names', '')} {author.get('family-names', '')}".strip())
        )
    return ", ".join(names)


def _data_note(c: Citation, digits: int | None = 12) -> str:
    digest = str(c.source_sha256 or "unknown")
    return f"Dataset {c.dataset_version}, sources SHA-256 {digest[:digits] if digits else digest}"


def _notes(cff: dict[str, Any]) -> str:
    """The preferred citation's ``notes`` (what licence covers what), if any."""
    return str((cff.get("preferred-citation") or {}).get("notes") or "")


def bibtex(c: Citation) -> str:
    """A ``@misc`` entry keyed ``alignbench-VERSION``."""
    cff = c.cff
    version = str(cff["version"])
    released = _released(cff)
    medium = (cff.get("preferred-citation") or {}).get("medium", "Dataset and Python package")
    fields = [
        ("author", " and ".join(_authors(cff))),
        ("title", "{" + str(cff["title"]) + "}"),
        ("howpublished", f"{medium}, version {version}"),
        ("year", str(released.year) if released else ""),
        ("month", _MONTHS[released.month - 1] if released else ""),
        ("version", version),
        ("note", " ".join(x for x in (f"{_data_note(c)}.", _notes(cff)) if x)),
    ]
    for key in ("doi", "url"):
        if cff.get(key):
            fields.append((key, str(cff[key])))
    width = max(len(k) for k, _ in fields)
    lines = [f"@misc{{alignbench-{version},"]
    for key, value in fields:
        if value:
            text = value if key == "month" else "{" + value + "}"
            lines.append(f"  {key.ljust(width)} = {text},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join([*lines, "}"]) + "\n"


def text(c: Citation) -> str:
    """One paragraph, as a reference list prints it."""
    cff = c.cff
    released = _released(cff)
    year = f" ({released.year})" if released else ""
    extra = "".join(f" {key.upper()}: {cff[key]}." for key in ("doi", "url") if cff.get(key))
    return (
        f"{_author_text(cff)}{year}. {cff['title']} (version {cff['version']}) [Dataset and Python package]. "
        f"{_data_note(c, None)}.{extra}" + (f" {_notes(cff)}" if _notes(cff) else "") + "\n"
    )


def cff_text(c: Citation) -> str:
    """CITATION.cff itself, after one comment line naming the installed data (comments keep it valid CFF)."""
    return f"# installed: alignbench {c.cff['version']}, {_data_note(c, None)[0].lower()}{_data_note(c, None)[1:]}\n{c.text}"


def format_citation(c: Citation, fmt: str = "bibtex") -> str:
    """The citation in one of :data:`CITE_FORMATS`."""
    return {"bibtex": bibtex, "cff": cff_text, "text": text}[fmt](c)
