"""The wire protocol: models generated from schema/ (see codegen/)."""

from .catalog import CLIENT_CONTROL, EVENT_MODELS, EVENT_NAMES, HIGH_VOLUME, SERVER_CONTROL
from .models import ClientFrame, ServerFrame

# Also the `const` of WelcomeFrame.protocol in schema/ (a contract test keeps them equal).
PROTOCOL = "tidewire.v1"

__all__ = [
    "CLIENT_CONTROL",
    "EVENT_MODELS",
    "EVENT_NAMES",
    "HIGH_VOLUME",
    "PROTOCOL",
    "SERVER_CONTROL",
    "ClientFrame",
    "ServerFrame",
]
