"""``make bench``: run every benchmark and print one line per figure with its baseline."""

from __future__ import annotations

import sys

from bench import denoise, editor_speed


def main() -> int:
    print("# Lightbox benchmarks (figure | baseline | difference)")
    editor_speed.main()
    denoise.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
