"""Measuring crossclaim against labelled data: pair readers, metrics, reports and cluster evaluation.

The click commands (``eval``, ``eval-clusters``, ``calibrate``) live in ``eval.commands``; ``detector/cli.py``
registers them. See docs/EVALUATION.md for the formats and label mappings.
"""

from .pairs import LabelledPair, data_hash, dev_split, news_fit_dev, read_pairs, write_pairs

__all__ = ["LabelledPair", "data_hash", "dev_split", "news_fit_dev", "read_pairs", "write_pairs"]
