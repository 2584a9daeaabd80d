"""The application context handed to routers, components and the MCP server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .bus.base import EventBus
    from .config import Settings
    from .store import Store

_C = TypeVar("_C")


class ComponentUnavailable(RuntimeError):
    """A feature's component is missing: not started (yet), or stopped (daemon shutting down)."""


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
    # This daemon's node id (node.py): what its agent runs are recorded with.
    node_id: str = ""

    def component(self, name: str, kind: type[_C]) -> _C:
        """The started component called ``name``, checked to be a ``kind``."""
        found = self.components.get(name)
        if not isinstance(found, kind):
            raise ComponentUnavailable(f"the {name} component is not running")
        return found
