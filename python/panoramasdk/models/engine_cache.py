"""The TensorRT engines of one model on disk: ``<folder>/<key>.plan`` with its record ``<key>.json``.

A serialised engine (a plan) only works for the GPU model, compute capability and TensorRT version that
built it, with the precision and input shapes it was built for, from that exact ONNX file: together, an
:class:`EngineKey`. The record beside each plan holds its key and the plan's size and SHA-256. A plan is
loaded only when its record covers what is wanted now and its bytes are the ones written; anything else
is rebuilt, never loaded, and the log says why: stale (another version of the model: removed), foreign
(another GPU, TensorRT or precision: left for its owner), corrupt or half-written (removed).

Plain Python and files, no TensorRT: all of it is tested on machines without a GPU.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple, TypeVar

from ..errors import InternalError
from .store import ModelEntry, panorama_home

log = logging.getLogger("panoramasdk.models")

T = TypeVar("T")


@dataclass(frozen=True)
class ProfileShape:
    """The shapes one input may take in an engine: batch first, only the batch may vary."""

    name: str
    min: Tuple[int, ...]
    opt: Tuple[int, ...]
    max: Tuple[int, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "min": list(self.min), "opt": list(self.opt), "max": list(self.max)}

    @staticmethod
    def from_json(value: dict) -> ProfileShape:
        return ProfileShape(str(value["name"]), *(tuple(int(d) for d in value[k]) for k in ("min", "opt", "max")))

    def covers(self, wanted: ProfileShape) -> bool:
        """True when every shape `wanted` may take is one this profile takes."""
        return (self.name == wanted.name and self.min[1:] == wanted.min[1:] == self.max[1:] == wanted.max[1:]
                and self.min[0] <= wanted.min[0] and wanted.max[0] <= self.max[0])


@dataclass(frozen=True)
class EngineKey:
    """What a plan was built for. Its digest names the plan's file."""

    model_sha256: str
    gpu_name: str
    compute_capability: Tuple[int, int]
    tensorrt_version: str
    fp16: bool
    profile: Tuple[ProfileShape, ...]

    def to_json(self) -> dict:
        return {"model_sha256": self.model_sha256, "gpu_name": self.gpu_name,
                "compute_capability": list(self.compute_capability), "tensorrt_version": self.tensorrt_version,
                "fp16": self.fp16, "profile": [p.to_json() for p in self.profile]}

    @staticmethod
    def from_json(data: dict) -> EngineKey:
        """Raises KeyError, TypeError or ValueError for a record that is not a key."""
        major, minor = (int(v) for v in data["compute_capability"])
        if not isinstance(data["fp16"], bool):
            raise TypeError(f"fp16 must be true or false, got {data['fp16']!r}")
        return EngineKey(str(data["model_sha256"]), str(data["gpu_name"]), (major, minor),
                         str(data["tensorrt_version"]), data["fp16"],
                         tuple(ProfileShape.from_json(p) for p in data["profile"]))

    @property
    def digest(self) -> str:
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    @property
    def device_digest(self) -> str:
        """Names what the timing cache depends on: the GPU and the TensorRT version."""
        text = json.dumps([self.gpu_name, list(self.compute_capability), self.tensorrt_version])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def covers(self, wanted: EngineKey) -> bool:
        """True when an engine built for this key serves `wanted`: all equal, and the batch sizes wanted
        within this key's profile."""
        return (self.same_target(wanted) and self.model_sha256 == wanted.model_sha256
                and len(self.profile) == len(wanted.profile)
                and all(p.covers(w) for p, w in zip(self.profile, wanted.profile)))

    def same_target(self, other: EngineKey) -> bool:
        """Same GPU model, compute capability, TensorRT version and precision."""
        return (self.gpu_name, self.compute_capability, self.tensorrt_version, self.fp16) == \
            (other.gpu_name, other.compute_capability, other.tensorrt_version, other.fp16)

    def mismatch(self, wanted: EngineKey) -> str:
        """Why this key does not cover `wanted`, naming the first differing field ("" when it does)."""
        for name, mine, theirs in (("GPU", self.gpu_name, wanted.gpu_name),
                                   ("compute capability", self.compute_capability, wanted.compute_capability),
                                   ("TensorRT", self.tensorrt_version, wanted.tensorrt_version),
                                   ("fp16", self.fp16, wanted.fp16),
                                   ("model sha256", self.model_sha256[:12], wanted.model_sha256[:12])):
            if mine != theirs:
                return f"built for {name} {mine!r}, wanted {theirs!r}"
        if not self.covers(wanted):
            return f"its input shapes {_shapes(self.profile)} do not cover {_shapes(wanted.profile)}"
        return ""


def _shapes(profile: Tuple[ProfileShape, ...]) -> str:
    return ", ".join(f"{p.name} {list(p.min)}..{list(p.max)}" for p in profile)


@dataclass
class Found:
    """What a look-up in the cache gave: a plan that covers the key, and why the others were passed over."""

    key: Optional[EngineKey]
    plan: Optional[bytes]
    rejected: List[str]


class EngineCache:
    """The plans of one model (named `label` in the log) in `folder`."""

    def __init__(self, folder: Path, label: str):
        self.folder = Path(folder)
        self.label = label

    def plan_path(self, key: EngineKey) -> Path:
        return self.folder / f"{key.digest}.plan"

    def record_path(self, key: EngineKey) -> Path:
        return self.folder / f"{key.digest}.json"

    def timing_cache_path(self, key: EngineKey) -> Path:
        """TensorRT's timing cache for this GPU and TensorRT version, shared by the model's builds."""
        return self.folder / f"timing-{key.device_digest}.cache"

    def find(self, wanted: EngineKey) -> Found:
        """The plan that covers `wanted` (its own key's first, then the one with the smallest batch range
        that covers it), checked against its record. Stale and corrupt files met on the way are removed."""
        rejected: List[str] = []
        candidates: List[Tuple[int, EngineKey]] = []
        for record in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else ():
            key, why = self._read_record(record)
            if key is None:
                rejected.append(f"{record.name}: {why}")
                self._remove(record.with_suffix(".plan"), record)
                continue
            if key.covers(wanted):
                span = max((p.max[0] - p.min[0] for p in key.profile), default=0)
                candidates.append((0 if key.digest == wanted.digest else 1 + span, key))
            elif key.same_target(wanted) and key.model_sha256 != wanted.model_sha256:
                rejected.append(f"{record.stem}.plan is stale: {key.mismatch(wanted)}")
                self._remove(self.plan_path(key), record)
            else:
                rejected.append(f"{record.stem}.plan: {key.mismatch(wanted)}")
        if not candidates and self.plan_path(wanted).exists():
            rejected.append(f"{self.plan_path(wanted).name} has no record (half-written or copied in)")
        for _, key in sorted(candidates, key=lambda c: c[0]):
            plan, why = self._read_plan(key)
            if plan is not None:
                return Found(key, plan, rejected)
            rejected.append(f"{self.plan_path(key).name} is corrupt: {why}")
            self._remove(self.plan_path(key), self.record_path(key))
        return Found(None, None, rejected)

    def _read_record(self, record: Path) -> Tuple[Optional[EngineKey], str]:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            key = EngineKey.from_json(data["key"])
            int(data["plan_bytes"]), str(data["plan_sha256"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return None, f"unreadable record ({type(exc).__name__}: {exc})"
        if key.digest != record.stem:
            return None, f"its record holds the key of {key.digest}, not {record.stem}"
        return key, ""

    def _read_plan(self, key: EngineKey) -> Tuple[Optional[bytes], str]:
        data = json.loads(self.record_path(key).read_text(encoding="utf-8"))
        try:
            plan = self.plan_path(key).read_bytes()
        except OSError as exc:
            return None, f"cannot be read ({exc.strerror or exc})"
        if len(plan) != int(data["plan_bytes"]):
            return None, f"{len(plan)} bytes, its record says {data['plan_bytes']}"
        if hashlib.sha256(plan).hexdigest() != data["plan_sha256"]:
            return None, "its SHA-256 differs from its record's"
        return plan, ""

    def store(self, key: EngineKey, plan: bytes, build_s: float) -> Path:
        """Writes the plan, then its record (each replaced whole: a crash leaves no half file that loads)."""
        record = {"key": key.to_json(), "plan_bytes": len(plan), "plan_sha256": hashlib.sha256(plan).hexdigest(),
                  "build_s": round(build_s, 3),
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_atomically(self.plan_path(key), plan)
        write_atomically(self.record_path(key), (json.dumps(record, indent=1) + "\n").encode())
        return self.plan_path(key)

    def discard(self, key: EngineKey, reason: str) -> None:
        log.warning("model '%s': engine %s discarded: %s", self.label, self.plan_path(key).name, reason)
        self._remove(self.plan_path(key), self.record_path(key))

    @staticmethod
    def _remove(*paths: Path) -> None:
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held while looking up and building: two processes opening the model build its engine once."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def engine_folder(entry: ModelEntry) -> Path:
    """Where the engines of `entry` live: its store folder's ``engines/``; for a run override (not in the
    store), ``$PANORAMA_HOME/cache/engines/<name>/`` (the key holds the file's SHA-256)."""
    if entry.folder is not None:
        return entry.folder / "engines"
    return panorama_home() / "cache" / "engines" / entry.name


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def load_or_build(cache: EngineCache, wanted: EngineKey, build: Callable[[], bytes],
                  deserialize: Callable[[bytes], Optional[T]]) -> Tuple[T, EngineKey, str]:
    """The engine for `wanted`: a cached plan that `deserialize` accepts, else one `build` makes (stored
    for next time). Returns (engine, the key it was built for, how: "cached" or "built in N s")."""
    with cache.locked():
        found = cache.find(wanted)
        if found.plan is not None:
            engine = deserialize(found.plan)
            if engine is not None:
                log.info("model '%s': TensorRT engine %s loaded from the cache", cache.label,
                         cache.plan_path(found.key).name)
                return engine, found.key, "cached"
            cache.discard(found.key, "TensorRT cannot deserialise it (built by another TensorRT or GPU?)")
            found.rejected.append(f"{cache.plan_path(found.key).name} could not be deserialised")
        why = "; ".join(found.rejected) if found.rejected else "none built yet"
        log.info("model '%s': building a TensorRT engine (cached engines: %s); this can take minutes",
                 cache.label, why)
        started = time.monotonic()
        plan = build()
        build_s = time.monotonic() - started
        cache.store(wanted, plan, build_s)
        log.info("model '%s': TensorRT engine built in %.1f s, cached as %s", cache.label, build_s,
                 cache.plan_path(wanted))
        engine = deserialize(plan)
        if engine is None:
            cache.discard(wanted, "TensorRT cannot deserialise the plan it has just built")
            raise InternalError(f"model '{cache.label}': TensorRT cannot load the engine it has just built")
        return engine, wanted, f"built in {build_s:.1f} s"
