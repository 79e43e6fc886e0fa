"""Puts the product on a new backdrop (white, colour, gradient, studio sweep, image, blur) with
its own shadow layer, and harmonises its colour to the scene."""
