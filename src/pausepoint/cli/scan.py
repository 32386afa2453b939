"""``scan``: the heart-rate straps nearby."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pausepoint.cli.common import positive, write_json

if TYPE_CHECKING:
    from pausepoint.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("scan", help="list heart-rate straps nearby")
    p.add_argument("--timeout", type=positive, default=5.0, metavar="S", help="seconds to listen")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_scan)


def cmd_scan(args: argparse.Namespace) -> int:
    import asyncio

    from pausepoint.strap.ble import scan

    found = asyncio.run(scan(args.timeout))
    if args.json:
        write_json([vars(s) for s in found])
        return 0
    if not found:
        print("No heart-rate strap heard. Is it on, moistened and worn? Try --timeout 15.")
        return 0
    for s in found:
        model = s.model or "unknown strap"
        print(f"{s.name or '(no name)':24s} {s.address:20s} {s.rssi_dbm:4d} dBm  {model}")
    return 0
