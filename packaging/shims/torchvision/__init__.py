"""A stand-in for torchvision inside the CPU-only desktop bundle — NOT torchvision.

PyPI's Linux wheels of torchvision are CUDA builds that cannot load beside the bundle's CPU
torch (packaging/README.md). Lightbox uses three of its box operations, all in the
auto-label plugin: ``nms`` when decoding detections, and the ``sigmoid_focal_loss`` and
``generalized_box_iou_loss`` training losses. :mod:`torchvision.ops` here implements those
three in plain torch, with torchvision's signatures and results (a test compares them with
the real torchvision of the development environment). Only the bundle puts this folder on
its path; development and CI use the real package.
"""

__version__ = "0.0+lightbox-cpu-shim"
