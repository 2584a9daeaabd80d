"""Test support: the real daemon subprocess, the socket client, and the frame tap."""

from .daemon import Daemon, DaemonError, free_port
from .tap import InvalidFrame, check_frame
from .ws import TapSocket, ws_connect

__all__ = ["Daemon", "DaemonError", "InvalidFrame", "TapSocket", "check_frame", "free_port", "ws_connect"]
