"""What ``panorama models describe`` shows of one model: its descriptor, the artefact's size and
SHA-256, and what the ONNX file says of itself (opset, producer, IR version)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import onnx

from ..errors import InvalidArgumentError


def sha256_of(path: Path, chunk: int = 4 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def onnx_header(path: Path) -> dict:
    """The ONNX file's opset (default domain), producer and IR version."""
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:
        raise InvalidArgumentError(f"model file {path} cannot be read as ONNX: {exc}") from exc
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    return {"opset": opset, "producer_name": model.producer_name, "producer_version": model.producer_version,
            "ir_version": model.ir_version}


def describe_entry(entry) -> dict:
    """A model found by the store (a ``ModelEntry``) as a JSON-ready dict."""
    d = entry.descriptor
    return {
        "name": d.name,
        "framework": d.framework,
        "source_format": d.source_format,
        "source_file": d.source_file,
        "path": str(entry.path),
        "run_override": entry.folder is None,
        "size_bytes": entry.path.stat().st_size,
        "sha256": sha256_of(entry.path),
        "inputs": [t.to_json() for t in d.inputs],
        "outputs": [t.to_json() for t in d.outputs],
        "dynamic_batch": d.dynamic_batch,
        "preprocess": d.preprocess.to_json() if d.preprocess is not None else None,
        "created": d.created,
        "onnx": onnx_header(entry.path),
    }
