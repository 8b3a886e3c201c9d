"""Growing the real split by hand: ``new-cluster``, ``add-article`` and ``annotate`` (the workbench)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alignbench.commands.common import _usage


def _cmd_new_cluster(args: argparse.Namespace) -> int:
    from alignbench.sources.scaffold import new_cluster

    new_cluster(args.root, args.cluster, args.split)
    print(
        f"alignbench new-cluster: made corpus/{args.cluster}/ and annotations/{args.cluster}/ (split {args.split}); "
        f"next: alignbench add-article {args.cluster} FILE"
    )
    return 0


def _cmd_add_article(args: argparse.Namespace) -> int:
    from alignbench.sources.scaffold import ArticleMeta, add_article

    meta = ArticleMeta(
        source=args.source,
        credit=args.credit,
        title=args.title,
        published=args.published,
        published_basis=args.published_basis,
        url=args.url,
        language=args.language,
        license=args.license,
        notes=args.notes,
        article_id=args.article_id,
    )
    added = add_article(args.root, args.cluster, args.file, meta)
    origin = f", extracted from an HTML page (sha256 {added.html_sha256[:12]}...)" if added.html_sha256 else ""
    print(
        f"alignbench add-article: added {added.article_id} to {args.cluster}: {added.text_path} "
        f"({added.characters} characters, sha256 {added.sha256[:12]}...{origin})"
    )
    for problem in added.chrome:
        print(f"alignbench add-article: note: {problem} (remove it in 'alignbench annotate')", file=sys.stderr)
    return 0


def _cmd_annotate(args: argparse.Namespace) -> int:
    from alignbench.sources.passes import PASS_NAME, RESERVED_PASS_NAMES

    names = args.adjudicate or [args.pass_name]
    if args.adjudicate is not None and args.pass_name is not None:
        _usage("give --pass NAME (one annotation pass) or --adjudicate A B (two passes), not both")
    if names == [None]:
        _usage("give --pass NAME (e.g. --pass ann1) or --adjudicate A B")
    for name in [*names, args.adjudicator]:
        if not PASS_NAME.match(name) or name in RESERVED_PASS_NAMES:
            _usage(
                f"malformed pass name {name!r}: use lower-case letters and digits, '-' or '_' between them "
                "(no '/' or '.'; not 'claims')"
            )
    if args.adjudicate is not None and len(set(args.adjudicate)) != len(args.adjudicate):
        _usage("--adjudicate needs two different passes")
    if not 0 <= args.port <= 65535:
        _usage(f"--port must be 0 to 65535, got {args.port}")
    from alignbench.annotate.server import require_extra, serve
    from alignbench.annotate.session import open_session

    require_extra()
    session = open_session(Path(args.root), args.cluster, args.pass_name, args.adjudicate, args.adjudicator)
    return serve(session, args.port)
