"""`tidewire conformance client -- CMD` (cases to come)."""

from __future__ import annotations

import argparse


def main(args: argparse.Namespace) -> int:
    raise SystemExit("tidewire conformance client: not built yet")
