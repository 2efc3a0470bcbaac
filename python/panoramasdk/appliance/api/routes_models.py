"""/api/models: the model store (import from a file on the appliance, list, describe, delete)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from .context import ApplianceDep
from .schemas import ModelIn

router = APIRouter(prefix="/api/models", tags=["models"])


def _public(entry) -> dict:
    return entry.descriptor.to_json()


@router.get("")
def list_models(a: ApplianceDep) -> list:
    return [_public(entry) for entry in a.models.list()]


@router.get("/{name}")
def describe_model(name: str, a: ApplianceDep) -> dict:
    return a.models.describe(name)


@router.post("", status_code=201)
def import_model(body: ModelIn, a: ApplianceDep) -> dict:
    inputs = {name: tuple(shape) for name, shape in body.inputs.items()} if body.inputs else None
    entry = a.models.import_model(body.name, body.path, inputs, replace=body.replace, preprocess=body.preprocess)
    return _public(entry)


@router.delete("/{name}", status_code=204)
def delete_model(name: str, a: ApplianceDep) -> Response:
    a.models.delete(name)
    return Response(status_code=204)
