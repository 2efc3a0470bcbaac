"""/api/cameras: add, list, remove, discover (ONVIF). Passwords go in, never out."""
from __future__ import annotations

from fastapi import APIRouter, Response

from ..live_status import IDLE_CAMERA_STATUS, camera_states
from .context import ApplianceDep
from .schemas import CameraIn, DiscoverIn

router = APIRouter(prefix="/api/cameras", tags=["cameras"])


@router.get("")
def list_cameras(a: ApplianceDep) -> list:
    states = camera_states(a)
    return [dict(camera, status=states.get(camera["name"], IDLE_CAMERA_STATUS)) for camera in a.cameras.list()]


@router.post("", status_code=201)
def add_camera(body: CameraIn, a: ApplianceDep) -> dict:
    return a.cameras.add(body.name, body.url, body.username, body.password.get_secret_value(), body.description,
                         replace=body.replace)


@router.get("/{name}")
def get_camera(name: str, a: ApplianceDep) -> dict:
    camera = a.cameras.get(name)
    return dict(camera, status=camera_states(a).get(name, IDLE_CAMERA_STATUS))


@router.delete("/{name}", status_code=204)
def remove_camera(name: str, a: ApplianceDep) -> Response:
    a.remove_camera(name)
    return Response(status_code=204)


@router.post("/discover")
def discover_cameras(body: DiscoverIn) -> list:
    """WS-Discovery probe on the local network, then each device's ONVIF media profiles."""
    from ..onvif_discovery import discover

    found = []
    password = body.password.get_secret_value()
    for device, details, error in discover(body.username, password, body.timeout_s, interface=body.interface):
        found.append({
            "address": device.address, "name": device.name, "hardware": device.hardware, "xaddrs": device.xaddrs,
            "manufacturer": details.manufacturer if details else None, "model": details.model if details else None,
            "profiles": [{"name": p.name, "uri": p.uri, "width": p.width, "height": p.height, "encoding": p.encoding}
                         for p in details.profiles] if details else [],
            "error": error,
        })
    return found
