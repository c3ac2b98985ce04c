"""Visualisation: pyvis network pages (offline: vis.js is inlined, no CDN)."""

from guanxi.viz.pages import render_network

__all__ = ["render_network"]
