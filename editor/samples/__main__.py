"""``python -m editor.samples OUTDIR [--size WxH]``."""

import sys

from editor.samples.cli import main

sys.exit(main())
