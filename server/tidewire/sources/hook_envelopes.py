"""Hook envelope ids: each hook call is applied once, however often the spool delivers it."""

from __future__ import annotations

import re

from tidewire.errors import InvalidArgument
from tidewire.sources.txn import Tx

# What `tidewire hook` generates (`he_` + hex), and room for other clients' own ids.
_ENVELOPE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")


def check_envelope_id(value: str | None) -> str | None:
    """The envelope id of a hook request (None when it has none); a malformed one is refused."""
    if value is None:
        return None
    if not _ENVELOPE_ID.fullmatch(value):
        raise InvalidArgument(
            "X-Tidewire-Envelope-Id must be 1-128 characters: letters, digits, '_', '.', ':', '-', "
            "starting with a letter or digit"
        )
    return value


def claim(tx: Tx, envelope_id: str, session_id: str) -> bool:
    """Records `envelope_id` in this transaction; False when an earlier one already did."""
    cursor = tx.conn.execute(
        """INSERT INTO hook_envelopes (envelope_id, session_id, received_at) VALUES (?, ?, ?)
           ON CONFLICT (envelope_id) DO NOTHING""",
        (envelope_id, session_id, tx.now),
    )
    return cursor.rowcount == 1
