"""``python -m retrocohort.cli``: the same as the ``retrocohort`` command."""

import sys

from retrocohort.cli import main

sys.exit(main())
