"""`tidewire conformance server URL` (cases to come)."""

from __future__ import annotations

import argparse


def main(args: argparse.Namespace) -> int:
    raise SystemExit("tidewire conformance server: not built yet")
