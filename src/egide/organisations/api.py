"""API of the directory: see `egide.api`. Filled in by the directory slice."""

from ninja import Router

router = Router()
