"""Visualisation: pyvis network pages (offline: vis.js is inlined, no CDN), the ownership
and contact-path pages, and the page templates under ``templates/``."""

from guanxi.viz.pages import render_network

__all__ = ["render_network"]
