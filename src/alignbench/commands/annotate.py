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


def add_annotation_commands(sub: argparse._SubParsersAction) -> None:
    """``new-cluster``, ``add-article`` and ``annotate``: growing the real split by hand (DESIGN §13)."""
    p = sub.add_parser(
        "new-cluster",
        allow_abbrev=False,
        help="start a new event cluster: corpus/ID/ (with its split) and annotations/ID/",
        description="Make corpus/ID/cluster.json (the split) and annotations/ID/. Then add its articles with "
        "'alignbench add-article' and annotate them with 'alignbench annotate'.",
    )
    p.add_argument("cluster", metavar="ID", help="the cluster id (lower-case letters, digits, '-', '_', '.')")
    p.add_argument(
        "--split",
        required=True,
        choices=("test", "diagnostic"),
        help="test: real reports; diagnostic: synthetic reports of fictional events written by the project",
    )
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree (default: .)")
    p.set_defaults(func=_cmd_new_cluster)

    p = sub.add_parser(
        "add-article",
        allow_abbrev=False,
        help="copy an article (a .txt file, or a saved .html page) into a cluster and record its metadata",
        description="Copy FILE byte for byte to corpus/ID/<article_id>.txt (for an .html page: the article text that "
        "trafilatura extracts, optional extra 'annotate'; the page's SHA-256 and URL are recorded) and append its "
        "row to articles.jsonl with the text's SHA-256. Metadata not given stays unknown: null, or 'unknown' for "
        "the source and 'und' for the language. Nothing is guessed.",
    )
    p.add_argument("cluster", metavar="ID", help="the cluster (made by 'alignbench new-cluster')")
    p.add_argument("file", metavar="FILE", help="a UTF-8 .txt file, or a saved .html page")
    p.add_argument("--source", default=None, help="the outlet as printed (default: unknown)")
    p.add_argument("--credit", default=None, help="a wire credit as printed, e.g. 'Reuters/AP'")
    p.add_argument("--title", default=None, help="the headline as printed")
    p.add_argument("--published", default=None, metavar="YYYY-MM-DD", help="the publication date")
    p.add_argument("--published-basis", default=None, metavar="TEXT", help="how the date was established")
    p.add_argument("--url", default=None, help="where the article was published")
    p.add_argument("--language", default=None, help="a BCP 47 language tag, e.g. en (default: und, undetermined)")
    p.add_argument("--license", default=None, metavar="TEXT", help="the licence statement (default: by split)")
    p.add_argument("--notes", default=None, metavar="TEXT", help="a note on the article and its provenance")
    p.add_argument("--article-id", default=None, help="the article id (default: ID-a, ID-b, ...)")
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree (default: .)")
    p.set_defaults(func=_cmd_add_article)

    p = sub.add_parser(
        "annotate",
        allow_abbrev=False,
        help="the annotation workbench: a local web page for chrome, claims, links, and adjudication",
        description="Serve the annotation workbench of cluster ID on 127.0.0.1 (only), at a URL with a random "
        "token. --pass NAME: remove page chrome, make claims, and link every claim pair of the articles (a blind "
        "pass: the gold and other passes are not shown). --adjudicate A B: decide the cells where two complete "
        "passes disagree and write the gold (alignments.jsonl). Every save is checked like 'alignbench validate'.",
    )
    p.add_argument("cluster", metavar="ID", help="the cluster to annotate")
    p.add_argument("--pass", dest="pass_name", default=None, metavar="NAME", help="the pass (e.g. ann1)")
    p.add_argument("--adjudicate", nargs=2, default=None, metavar=("A", "B"), help="two passes to adjudicate")
    p.add_argument("--adjudicator", default="adj", metavar="NAME", help="who adjudicates (default: adj)")
    p.add_argument("--port", type=int, default=8765, help="the port on 127.0.0.1 (default: 8765; 0: any free port)")
    p.add_argument("--root", default=".", metavar="DIR", help="the source tree (default: .)")
    p.set_defaults(func=_cmd_annotate)
