"""The web review queue (``crossclaim serve``): FastAPI + server-rendered Jinja2 pages over the SQLite store.

FastAPI, Jinja2 and uvicorn are optional (``pip install 'crossclaim[web]'``); ``create_app`` imports them.
"""

from .app import create_app

__all__ = ["create_app"]
