"""Visualisation: pyvis network pages."""
