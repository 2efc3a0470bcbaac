"""Application parameters: the ``parameters`` object handed to ``init``.

Built from the ``"parameters"`` tuple of ``interface()`` and the overrides given on the command line or by
a deployment. Coercion follows SDK_API.md: a ``float``-declared parameter whose default is an ``int`` keeps
int values as ints (published apps pass such values to ``range()``); every other value is coerced to its
declared type with range checks.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .errors import InvalidArgumentError

PARAMETER_TYPES = ("media", "model", "rect", "string", "uint32", "int", "float", "byte", "bool")

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class ParameterError(InvalidArgumentError):
    """A parameter declaration or override that cannot be used."""


class parameters:  # noqa: N801 - the SDK's lower-case class style
    """Attribute access to the application's parameters (``parameters.threshold``)."""

    def __init__(self, values: Mapping[str, Any], declared: Mapping[str, str]):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_declared", dict(declared))

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        known = ", ".join(sorted(values)) or "(none)"
        raise AttributeError(f"application has no parameter {name!r}; known parameters: {known}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("parameters are read-only; override them with --param NAME=VALUE")

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __iter__(self):
        return iter(self._values)

    def __repr__(self) -> str:
        return "parameters(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def as_dict(self) -> dict:
        return dict(self._values)


def _int_range(name: str, ptype: str, value: int) -> int:
    bounds = {"uint32": (0, 2**32 - 1), "byte": (0, 255), "int": (-(2**63), 2**63 - 1)}
    low, high = bounds[ptype]
    if not low <= value <= high:
        raise ParameterError(f"parameter {name!r} ({ptype}): {value} is outside {low}..{high}")
    return value


def _to_number(name: str, ptype: str, value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 0) if ptype != "float" and not any(c in text for c in ".eE") else float(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                raise ParameterError(f"parameter {name!r} ({ptype}): cannot convert {value!r} to a number") from None
    try:
        return value.item() if hasattr(value, "item") else value  # numpy scalars
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {name!r} ({ptype}): cannot convert {value!r} to a number") from None


def coerce(name: str, ptype: str, value: Any, default: Any = None) -> Any:
    """Converts `value` to the declared type `ptype` (see the module docstring for the rules)."""
    if ptype in ("string", "model", "media"):
        return value if ptype == "media" and not isinstance(value, str) else str(value)
    if ptype == "bool":
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ParameterError(f"parameter {name!r} (bool): expected true/false/1/0, got {value!r}")
        return bool(value)
    if ptype == "rect":
        items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
        if len(items) != 4:
            raise ParameterError(f"parameter {name!r} (rect): expected 4 numbers x0,y0,x1,y1, got {value!r}")
        return tuple(float(_to_number(name, "float", v)) for v in items)
    number = _to_number(name, ptype, value)
    if ptype == "float":
        keep_int = isinstance(default, int) and not isinstance(default, bool)
        if keep_int and float(number).is_integer():
            return int(number)
        return float(number)
    if ptype in ("int", "uint32", "byte"):
        if isinstance(number, float):
            if not number.is_integer():
                raise ParameterError(f"parameter {name!r} ({ptype}): expected an integer, got {value!r}")
            number = int(number)
        return _int_range(name, ptype, int(number))
    raise ParameterError(
        f"parameter {name!r}: unknown type {ptype!r}; expected one of {', '.join(PARAMETER_TYPES)}"
    )


def parse_declarations(declared: Iterable) -> list[tuple[str, str, str, Any]]:
    """Checks the ``interface()["parameters"]`` tuple: each entry (type, name, description, default)."""
    out = []
    for entry in declared or ():
        if not isinstance(entry, (tuple, list)) or len(entry) < 2:
            raise ParameterError(f"interface parameter {entry!r}: expected (type, name, description, default)")
        ptype, name = str(entry[0]), str(entry[1])
        description = entry[2] if len(entry) > 2 else ""
        default = entry[3] if len(entry) > 3 else None
        if ptype not in PARAMETER_TYPES:
            raise ParameterError(
                f"interface parameter {name!r}: unknown type {ptype!r}; expected one of {', '.join(PARAMETER_TYPES)}"
            )
        out.append((ptype, name, description, default))
    return out


def build_parameters(declared: Iterable, overrides: Mapping[str, Any] | None = None) -> parameters:
    """The ``parameters`` object for ``init``: defaults, then `overrides` (name -> value, often strings)."""
    decls = parse_declarations(declared)
    types = {name: ptype for ptype, name, _, _ in decls}
    values = {}
    for ptype, name, _, default in decls:
        values[name] = default if default is None else coerce(name, ptype, default, default)
    for name, value in (overrides or {}).items():
        if name not in types:
            known = ", ".join(f"{n} ({t})" for n, t in types.items()) or "(none)"
            raise ParameterError(f"unknown parameter {name!r}; the application declares: {known}")
        default = next(d for t, n, _, d in decls if n == name)
        values[name] = coerce(name, types[name], value, default)
    return parameters(values, types)


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Parses ``NAME=VALUE`` strings (from ``--param``)."""
    out = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param {item!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out
