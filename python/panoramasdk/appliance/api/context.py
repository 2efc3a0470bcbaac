"""The server's Appliance (parts.py), handed to each request."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..parts import Appliance

__all__ = ["Appliance", "ApplianceDep", "appliance"]


def appliance(request: Request) -> Appliance:
    """FastAPI dependency: the server's Appliance."""
    return request.app.state.appliance


# Handlers take `a: ApplianceDep`.
ApplianceDep = Annotated[Appliance, Depends(appliance)]
