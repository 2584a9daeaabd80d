"""The wire protocol: models generated from schema/ (see codegen/)."""

from .catalog import EVENT_MODELS, HIGH_VOLUME
from .models import ClientFrame, ServerFrame

PROTOCOL = "tidewire.v1"

__all__ = ["EVENT_MODELS", "HIGH_VOLUME", "PROTOCOL", "ClientFrame", "ServerFrame"]
