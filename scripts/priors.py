"""Print the priors of every split of a dataset (link density, unlinked claims, contradiction share,
article length, sure links at the same relative position, the position floor's link F1), as Markdown
or JSON: ``python scripts/priors.py [--data DIR] [--format markdown|json]``. Deterministic; the
DATASHEET's "Priors" block is this table (regenerated with the other generated numbers)."""

from __future__ import annotations

import argparse
import json
import sys

from alignbench.runs.priors import split_priors
from alignbench.scoring.priors import priors_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--data", default=None, help="a dataset folder (default: the bundled data)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    args = parser.parse_args()
    by_split, floor = split_priors(args.data)
    if args.format == "json":
        out = {split: {**values, "position_floor_link_F1": floor[split]} for split, values in by_split.items()}
        sys.stdout.write(json.dumps(out, indent=1, sort_keys=True) + "\n")
    else:
        sys.stdout.write(priors_table(by_split, floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
