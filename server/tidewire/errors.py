"""Domain errors: raised before anything is written, mapped to REST / MCP / socket errors."""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation with a stable machine-readable ``code`` and an HTTP-like ``status``."""

    # Seconds a client should wait before trying again (REST `Retry-After`), for conditions that pass.
    retry_after: int | None = None

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, status={self.status})"


class NotFound(DomainError):
    def __init__(self, message: str, code: str = "not_found") -> None:
        super().__init__(code, message, 404)


class Conflict(DomainError):
    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(code, message, 409)


class InvalidArgument(DomainError):
    def __init__(self, message: str, code: str = "invalid_argument") -> None:
        super().__init__(code, message, 422)


class Unauthorized(DomainError):
    def __init__(self, message: str = "a valid token is required", code: str = "unauthorized") -> None:
        super().__init__(code, message, 401)
