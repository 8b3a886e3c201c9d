"""``python -m alignbench`` runs the command line."""

import sys

from alignbench.cli import main

sys.exit(main())
