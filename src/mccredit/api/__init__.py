"""The HTTP API (FastAPI under `/v1`): see `create_app` and DESIGN.md §4."""

from .deps import ApiSettings, Evaluator, Principal
from .main import create_app

__all__ = ["ApiSettings", "Evaluator", "Principal", "create_app"]
