"""Entry point of the desktop bundle: the same as the ``lightbox`` console script (no
arguments opens the editor, subcommands work as on the command line)."""

import multiprocessing
import sys

from editor.cli import main

if __name__ == "__main__":
    # training's data-loader workers re-run this executable; let them start as workers
    multiprocessing.freeze_support()
    sys.exit(main())
