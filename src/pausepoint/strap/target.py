"""How a person names a strap: by its address, or by the name it advertises."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"([0-9A-F]{2}:){5}[0-9A-F]{2}|[0-9A-F-]{36}", re.I)


def strap_target(device: str) -> dict[str, str]:
    """An address (MAC, or a macOS UUID) or else an advertised name."""
    return {"address": device} if _ADDRESS.fullmatch(device) else {"name": device}
