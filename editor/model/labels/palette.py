"""Class colours: distinct, colour-blind-aware, and the same for a class every time.

A class's colour follows its place in the annotation session's class list (the dataset's
``classes.txt`` order), not a checksum of its name: two checksums can land on neighbouring
colours (milk and coffee both came out yellowish), while places in a list never collide.

:data:`PALETTE` starts with the eight Okabe-Ito colours (Okabe & Ito, "Color Universal
Design", 2008; told apart with every common colour-vision deficiency), then adds, one at a
time, the sRGB colour (CIE L* >= 30, so it shows on dark photos) farthest from those chosen,
in normal vision and in simulated deuteranopia and protanopia (Viénot et al., 1999). Any two
of the first 25 differ by CIE76 dE >= 23 (the tests check >= 20 with
:func:`editor.imaging.colour.delta_e76`). Classes beyond the palette reuse it in order.
A name outside the class list gets a colour from a checksum, as before.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

PALETTE = (
    "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#ffffff",
    "#0000ff", "#0046d1", "#b9ffa2", "#5d4617", "#ff175d", "#8b0074", "#b974ff", "#ffb9b9",
    "#d1b95d", "#8b1746", "#b917ff", "#46e8ff", "#0046a2", "#e8ff00", "#d1b98b", "#5d7446",
    "#ffffd1", "#b9172e", "#745d74", "#ff46d1", "#a2ff74", "#d1b9d1",
)

_places: dict[str, int] = {}


def set_classes(classes: Iterable[str]) -> None:
    """Give each class of the session's list the colour of its place in it."""
    _places.clear()
    _places.update({name: i for i, name in enumerate(dict.fromkeys(classes))})


def colour_of(label: str, classes: list[str] | None = None) -> str:
    """The ``#rrggbb`` colour of class ``label``: by its place in ``classes`` (default: the
    list given to :func:`set_classes`), else by a checksum of the name."""
    place = classes.index(label) if classes is not None and label in classes \
        else _places.get(label)
    if place is None:
        place = zlib.crc32(label.encode("utf-8", "replace"))
    return PALETTE[place % len(PALETTE)]
