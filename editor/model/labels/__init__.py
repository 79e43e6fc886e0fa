"""Box label files: YOLO, COCO, Pascal VOC and labelme, read and written. No Qt.

One module per format (:mod:`.yolo`, :mod:`.coco`, :mod:`.voc`, :mod:`.labelme`), the
shared data and rules in :mod:`.common`, and whole folders in :mod:`.convert`. The training
datasets (:mod:`editor.training.formats`) read detection folders through these modules.
"""

from editor.model.labels.common import ImageLabels, Labels, Problem
from editor.model.labels.convert import (
           FORMATS,
           TITLES,
           Stats,
           detect_format,
           read_folder,
           stats,
           write_folder,
)

__all__ = ["FORMATS", "TITLES", "ImageLabels", "Labels", "Problem", "Stats", "detect_format",
           "read_folder", "stats", "write_folder"]
