"""Upscale: learned super-resolution x2/x3/x4 to any size (see plugin.toml)."""
