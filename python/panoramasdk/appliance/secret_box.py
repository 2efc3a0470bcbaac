"""Encryption at rest of camera passwords: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

The key is made on first use and kept in the data folder with mode 0600. Losing it loses the stored
passwords (the cameras must be added again), never anything else.
"""
from __future__ import annotations

import threading

from cryptography.fernet import Fernet, InvalidToken

from .home import ApplianceHome, read_private_file, write_private_file

_lock = threading.Lock()


class SecretBox:
    def __init__(self, home: ApplianceHome):
        self._key_path = home.key_path
        self._fernet = None

    def _box(self) -> Fernet:
        with _lock:
            if self._fernet is None:
                if not self._key_path.exists():
                    write_private_file(self._key_path, Fernet.generate_key())
                self._fernet = Fernet(read_private_file(self._key_path, "the secret key").strip())
            return self._fernet

    def encrypt(self, secret: str) -> str:
        return self._box().encrypt(secret.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str, what: str) -> str:
        """`what` names the secret's owner in the error (never the secret)."""
        try:
            return self._box().decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise PermissionError(f"cannot decrypt {what} with {self._key_path}: the key changed since it was "
                                  f"stored; set the password again") from None
