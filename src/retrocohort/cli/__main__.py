"""``python -m retrocohort.cli``: the same as the ``retrocohort`` command."""

import sys

from . import main

sys.exit(main())
