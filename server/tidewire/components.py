"""Long-running parts of the daemon, started after the store and stopped before it closes.

Each feature module appends a factory here: a callable ``ctx -> component`` where the
component has ``async start()`` and ``async stop()``. Components start in list order
and stop in reverse order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .context import AppContext


class Component(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


ComponentFactory = Callable[["AppContext"], Any]

COMPONENT_FACTORIES: list[ComponentFactory] = []


def component_name(factory: ComponentFactory, component: Any) -> str:
    name = getattr(component, "name", None)
    if isinstance(name, str) and name:
        return name
    return getattr(factory, "__name__", type(component).__name__)


from .sources.factories import SOURCE_COMPONENTS  # noqa: E402 - after the list it extends

COMPONENT_FACTORIES.extend(SOURCE_COMPONENTS)
