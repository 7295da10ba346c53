"""``python -m scraper``: see :mod:`scraper.cli`."""

import sys

from scraper.cli import main

sys.exit(main())
