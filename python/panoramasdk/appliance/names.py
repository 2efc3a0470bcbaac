"""The names the appliance gives things (cameras, applications): safe as file names and in URLs."""
from __future__ import annotations

import re

from ..errors import InvalidArgumentError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def validate_name(kind: str, name) -> str:
    """`kind` is what is named ('camera', 'application'), for the error."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidArgumentError(f"{kind} name {name!r} is not valid: expected 1 to 64 letters, digits, '-', '_' "
                                   f"or '.', starting with a letter or digit")
    return name
