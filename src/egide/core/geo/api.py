"""Reference geography API. Filled in by the directory slice."""

from ninja import Router

router = Router()
