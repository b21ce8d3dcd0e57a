"""crossclaim: find claims that contradict each other across news sources.

The pipeline's stages are plain modules: ``ingest`` (pages -> documents), ``claims`` (documents -> attributed
claims), ``candidates`` (claims -> clusters and cross-source candidate pairs), ``scoring`` (pairs -> labels,
probabilities and reasons) and ``store`` (SQLite). ``pipeline.scan`` wires them; ``cli`` only calls it.
"""

from .models import ECHO, LABELS, Claim, Document, InputProblem, Reason, ScoredPair
from .store import Database

__all__ = ["ECHO", "LABELS", "Claim", "Database", "Document", "InputProblem", "Reason", "ScoredPair"]
__version__ = "0.1.0"
