"""The API token: made at first start (32 random bytes, file mode 0600), required on every request.

Clients send it as ``Authorization: Bearer TOKEN``; the console's browser holds it in an HttpOnly,
SameSite=Strict cookie set by ``POST /api/login`` or by opening ``/?token=TOKEN`` once. It is compared in
constant time and never logged, echoed or put in a URL the server prints.
"""
from __future__ import annotations

import hmac
import secrets
from typing import Optional

from fastapi import Request

from ..home import ApplianceHome, read_private_file, write_private_file

COOKIE = "panorama_token"


def load_or_create_token(home: ApplianceHome) -> str:
    if not home.token_path.exists():
        write_private_file(home.token_path, secrets.token_urlsafe(32).encode("ascii"))
    return read_private_file(home.token_path, "the API token").decode("ascii").strip()


def presented_token(request: Request) -> Optional[str]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE)


def token_matches(expected: str, presented: Optional[str]) -> bool:
    return presented is not None and hmac.compare_digest(expected.encode(), presented.encode("utf-8", "replace"))
