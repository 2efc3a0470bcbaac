"""/api/apps: applications and their immutable versions (create, new version, deploy, roll back, stop,
clone, delete). Deploying only records what should run; the supervisor starts it within a second."""
from __future__ import annotations

from fastapi import APIRouter, Response

from ..live_status import app_statuses, status_of
from .context import ApplianceDep
from .schemas import AppIn, CloneIn, DeployIn, VersionIn

router = APIRouter(prefix="/api/apps", tags=["applications"])


def _with_status(a, app: dict) -> dict:
    return dict(app, status=status_of(a, app, app_statuses(a)))


def _wake(a) -> None:
    """The supervisor acts on a change at once rather than at its next pass."""
    if a.supervisor is not None:
        a.supervisor.wake()


@router.get("")
def list_apps(a: ApplianceDep) -> list:
    statuses = app_statuses(a)
    return [dict(app, status=status_of(a, app, statuses)) for app in a.apps.list()]


@router.post("", status_code=201)
def create_app(body: AppIn, a: ApplianceDep) -> dict:
    version = a.apps.create(body.source, body.name, cameras=body.cameras, parameters=body.parameters,
                            models=body.models, description=body.description)
    return {"app": version["manifest"]["name"], "version": version}


@router.get("/{name}")
def get_app(name: str, a: ApplianceDep) -> dict:
    return _with_status(a, a.apps.get(name))


@router.delete("/{name}", status_code=204)
def delete_app(name: str, a: ApplianceDep) -> Response:
    a.apps.delete(name)
    _wake(a)
    return Response(status_code=204)


@router.post("/{name}/versions", status_code=201)
def new_version(name: str, body: VersionIn, a: ApplianceDep) -> dict:
    """A new version from `base` (default: the newest) with the given changes; `parameters` are merged
    into the base's (a changed threshold keeps the other parameters)."""
    parameters = body.parameters
    if parameters is not None and body.source is None:
        base = body.base or a.apps.get(name)["versions"][-1]["version"]
        parameters = {**a.apps.manifest(name, base).parameters, **parameters}
    version = a.apps.new_version(name, source=body.source, base=body.base, note=body.note, cameras=body.cameras,
                                 parameters=parameters, models=body.models)
    if body.deploy:
        a.apps.deploy(name, version["version"])
        _wake(a)
    return version


@router.get("/{name}/versions/{version}")
def get_version(name: str, version: str, a: ApplianceDep) -> dict:
    return a.apps.version(name, version)


@router.delete("/{name}/versions/{version}", status_code=204)
def delete_version(name: str, version: str, a: ApplianceDep) -> Response:
    a.apps.delete_version(name, version)
    return Response(status_code=204)


@router.post("/{name}/deploy")
def deploy(name: str, body: DeployIn, a: ApplianceDep) -> dict:
    app = a.apps.deploy(name, body.version)
    _wake(a)
    return _with_status(a, app)


@router.post("/{name}/rollback")
def rollback(name: str, body: DeployIn, a: ApplianceDep) -> dict:
    app = a.apps.rollback(name, body.version)
    _wake(a)
    return _with_status(a, app)


@router.post("/{name}/stop")
def stop(name: str, a: ApplianceDep) -> dict:
    app = a.apps.stop(name)
    _wake(a)
    return _with_status(a, app)


@router.post("/{name}/clone", status_code=201)
def clone(name: str, body: CloneIn, a: ApplianceDep) -> dict:
    version = a.apps.clone(name, body.new_name, body.version)
    return {"app": body.new_name, "version": version}
