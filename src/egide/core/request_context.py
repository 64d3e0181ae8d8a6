"""The current request's id, available to code that has no request at hand (audit)."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
