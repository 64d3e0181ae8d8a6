"""scipy, imported in one place because it ships no type hints.

Once the project has scipy-stubs or a mypy override for `scipy.*`, drop the ignore below.
"""

from scipy import optimize, special, stats  # type: ignore[import-untyped]

__all__ = ["optimize", "special", "stats"]
