"""Synthetic enterprise network generator (``guanxi generate``); docs/synthetic.md.

The public surface: :func:`generate` writes a folder of canonical files with
``manifest.json`` and ``ground_truth.json``; :func:`uscc_valid` checks a unified social
credit code (GB 32100-2015) and is reused by the loaders' validation.
"""

from guanxi.loaders.synthetic.generate import GenerationResult, generate, generate_world
from guanxi.loaders.synthetic.uscc import generate_uscc, uscc_valid, uscc_valid_many
from guanxi.loaders.synthetic.world import GeneratorConfig

__all__ = [
    "GeneratorConfig",
    "GenerationResult",
    "generate",
    "generate_world",
    "generate_uscc",
    "uscc_valid",
    "uscc_valid_many",
]
