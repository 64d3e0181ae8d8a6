"""Égide's analytics: pure Python and numpy, never Django (see docs/architecture.md)."""
