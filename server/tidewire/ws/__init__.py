"""The ``/ws`` event socket."""

from .endpoint import SocketEndpoint
from .hub import Hub

__all__ = ["Hub", "SocketEndpoint"]
