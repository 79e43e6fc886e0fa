"""Imaging shared by several plugins, Qt-free and torch-free: colour spaces, alpha
compositing, shadows, resampling. One place for each; plugins call these and never keep
their own copies.

Conventions follow :mod:`editor.tasks.api`: images are ``uint8 (H, W, 4)`` RGBA with
straight alpha; the float helpers here work in 0..1 ``float32``.
"""
