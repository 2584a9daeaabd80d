"""Field types for REST bodies and parameters that say in the OpenAPI document what the services
accept, so a schema-valid request is not refused and pydantic refuses the rest first.

The patterns mirror ``services.clean_text``: one-line text has no control characters; text the
services trim (titles, labels, names) must not be blank; multi-line text has no NUL.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StrictStr

_LINE_CHAR = r"[^\x00-\x1f\x7f]"

# A record id as given (matched exactly, never trimmed).
Id = Annotated[StrictStr, Field(min_length=1, pattern=rf"^{_LINE_CHAR}+$")]
# Ids the agent and loop services also cap in length.
ShortId = Annotated[StrictStr, Field(min_length=1, max_length=128, pattern=rf"^{_LINE_CHAR}+$")]
# One-line text with something besides whitespace in it.
Line = Annotated[StrictStr, Field(min_length=1, pattern=rf"^{_LINE_CHAR}*[^\s\x00-\x1f\x7f]{_LINE_CHAR}*$")]
Title = Annotated[
    StrictStr, Field(min_length=1, max_length=500, pattern=rf"^{_LINE_CHAR}*[^\s\x00-\x1f\x7f]{_LINE_CHAR}*$")
]
Text = Annotated[StrictStr, Field(pattern=r"^[^\x00]*$")]

ID_PATTERN = rf"^{_LINE_CHAR}+$"
PathId = Annotated[str, Path(min_length=1, pattern=ID_PATTERN)]
QueryId = Annotated[str | None, Query(min_length=1, pattern=ID_PATTERN)]


def _integral(value: object) -> object:
    # JSON Schema's "integer" includes 4.0 (and JSON clients may send it): take integral floats as ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


# After an integer's bounds in ``Annotated[StrictInt, Field(ge=.., le=..), INTEGRAL]``: an
# integral float is taken as the integer; strings and bools are still refused. (After the
# bounds, so the OpenAPI document shows them as minimum / maximum.)
INTEGRAL = BeforeValidator(_integral)


def finite_json(value: Any) -> Any:
    """Refuse NaN and infinities anywhere in a parsed JSON value (Python's parser lets them in,
    and nothing downstream can store or send them). Iterative: depth is the parser's limit."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("NaN and infinite numbers are not JSON")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range for a JSON number")
    return number


def loads_strict(raw: bytes) -> Any:
    """``json.loads`` without NaN, Infinity or numbers that overflow to infinity."""
    return json.loads(raw, parse_constant=_not_json, parse_float=_finite_float)


# A free-form JSON object (tool arguments) with only finite numbers.
JsonObject = Annotated[dict[str, Any], AfterValidator(finite_json)]
