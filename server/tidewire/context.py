"""The application context handed to routers, components and the MCP server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bus.base import EventBus
    from .config import Settings
    from .store import Store


@dataclass
class AppContext:
    """Everything a request handler needs; routers get it as ``request.app.state.ctx``.

    ``components`` maps a component's name (its factory's ``__name__`` unless the
    component has a ``name`` attribute) to the started component.
    """

    settings: Settings
    store: Store
    bus: EventBus
    components: dict[str, Any] = field(default_factory=dict)
    server_id: str = ""
