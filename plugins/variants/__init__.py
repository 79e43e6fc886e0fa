"""Makes a set of listing variants of the product: colourways, backdrop sets, marketplace
crops, generated backdrops."""
