"""Loaders: source readers, column mappings, validation, bulk writer, synthetic generator.

``load(client, paths, mapping=...)`` and ``load_frames(client, {family: df})`` are the
entry points; see docs/loading.md.
"""

from guanxi.loaders.load import FamilyReport, LoadReport, load, load_frames

__all__ = ["load", "load_frames", "LoadReport", "FamilyReport"]
