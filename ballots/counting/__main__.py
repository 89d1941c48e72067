"""Entry point for ``python -m ballots.counting``."""

import sys

from ballots.counting.cli import main

sys.exit(main())
