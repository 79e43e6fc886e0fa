"""Finds the catalogue photos most like this one, and near-duplicates."""
