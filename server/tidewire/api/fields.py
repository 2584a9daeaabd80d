"""Field types for REST bodies and parameters that say in the OpenAPI document what the services
accept, so a schema-valid request is not refused and pydantic refuses the rest first.

The patterns mirror ``services.clean_text``: one-line text has no control characters; text the
services trim (titles, labels, names) must not be blank; multi-line text has no NUL.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator, Field, StrictStr

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
