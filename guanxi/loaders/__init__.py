"""Loaders: source readers, column mappings, validation, bulk writer, synthetic generator."""
