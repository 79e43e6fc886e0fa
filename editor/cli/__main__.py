"""``python -m editor.cli`` is ``lightbox``."""

import sys

from editor.cli import main

sys.exit(main())
