"""``python -m salto_desk.cli``: the same as the ``salto-desk`` command."""

import sys

from salto_desk.cli import main

sys.exit(main())
