"""Typed sections of `params.yaml`: profiles, validation before any work, one-line errors.

Each section of `params.yaml` has one config class, a frozen dataclass declared beside the code
it configures, whose fields are built with :func:`knob`. The class is the schema: field names,
types, allowed values and ranges are declared once there; the values live in `params.yaml`.

A value may depend on the profile: write it as a mapping with exactly the keys ``tiny``,
``small`` and ``full``; the active profile picks one, and every profile's value is checked.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml

PROFILES = ("tiny", "small", "full")
TOP_LEVEL = ("profile", "kernel")

C = TypeVar("C", bound="SectionConfig")


class ParamsError(ValueError):
    """A `params.yaml` that cannot be used: the one-line message names the key and the fix."""


_REQUIRED = dataclasses.MISSING


def knob(
    default: Any = _REQUIRED,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: Sequence[Any] | Callable[[], Sequence[Any]] | None = None,
    min_items: int | None = None,
) -> Any:
    """A field of a section config with its allowed values (required unless `default` is given).

    Bounds and `choices` apply to the value, or to each item of a list; `min_items` to a list.
    A default serves code that builds a config directly (tests); params.yaml must still give
    every knob, so that the file alone says what a run used.
    """
    rules = {"ge": ge, "gt": gt, "le": le, "lt": lt, "choices": choices, "min_items": min_items}
    metadata = {k: v for k, v in rules.items() if v is not None}
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class SectionConfig:
    """Base of every section config; subclasses set `SECTION` and declare knobs."""

    SECTION: ClassVar[str] = ""

    @classmethod
    def from_values(cls: type[C], values: Mapping[str, Any], where: str | None = None) -> C:
        """Validate a resolved section (no per-profile mappings left) and build the config."""
        where = where or cls.SECTION
        known = cls._check_names(values, where)
        hints = typing.get_type_hints(cls)
        built = {}
        for name, spec in known.items():
            built[name] = _checked(f"{where}.{name}", values[name], hints[name], spec.metadata)
        try:
            config = cls(**built)
        except ValueError as err:  # a rule the class itself enforces
            raise ParamsError(f"params section '{where}': {err}") from None
        config.check(where)
        return config

    def check(self, where: str) -> None:
        """Rules across knobs; raise `ParamsError` naming the keys (none by default)."""

    @classmethod
    def from_section(cls: type[C], section: Any, profile: str, where: str | None = None) -> C:
        """Validate a raw section for every profile and build the config of `profile`."""
        where = where or cls.SECTION
        if not isinstance(section, Mapping):
            raise ParamsError(f"params key '{where}' is missing or not a mapping of knobs")
        cls._check_names(section, where)  # the same in every profile: said once, without one
        for other in PROFILES:
            try:
                cls.from_values(resolve_profile(section, other, where), where)
            except ParamsError as err:
                raise ParamsError(f"{err} (profile {other})") from None
        return cls.from_values(resolve_profile(section, profile, where), where)

    @classmethod
    def _check_names(cls, values: Any, where: str) -> dict[str, dataclasses.Field]:
        """The fields by name, after rejecting an unknown key or a missing one."""
        if not isinstance(values, Mapping):
            raise ParamsError(f"params key '{where}' must be a mapping of knobs, got {values!r}")
        known = {f.name: f for f in dataclasses.fields(cls)}
        for key in values:
            if key not in known:
                raise ParamsError(unknown_key(f"{where}.{key}", str(key), known))
        for name in known:
            if name not in values:
                raise ParamsError(f"params key '{where}.{name}' is missing")
        return known

    @classmethod
    def load(cls: type[C], path: str | Path = "params.yaml", profile: str | None = None) -> C:
        """This section of a params file, validated, for `profile` (default: the file's)."""
        raw = read_params(path)
        active = check_top_level(raw, profile)["profile"]
        return cls.from_section(raw.get(cls.SECTION), active)

    @classmethod
    def resolve(cls: type[C], values: Mapping[str, Any] | None, profile: str) -> C:
        """The section a pipeline injected, or (`None`) the project's params.yaml at `profile`."""
        if values is None:
            from slr_lib.paths import project_path

            return cls.load(project_path("params.yaml"), profile)
        return cls.from_values(values)

    def to_dict(self) -> dict[str, Any]:
        """The knobs as plain Python values (what Papermill injects into a notebook)."""
        return dataclasses.asdict(self)


def read_params(path: str | Path) -> dict[str, Any]:
    """The raw mapping in a params file; any YAML error becomes one line naming its place."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"params file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ParamsError(f"{path}: not valid YAML{place}: {problem}") from None
    if not isinstance(raw, Mapping):
        raise ParamsError(f"{path}: expected a mapping at the top level")
    return dict(raw)


def check_top_level(raw: Mapping[str, Any], profile: str | None = None) -> dict[str, str]:
    """The validated `profile` (overridden by `profile` if given) and `kernel`."""
    chosen = profile if profile is not None else raw.get("profile")
    if chosen is None:
        raise ParamsError("params key 'profile' is missing")
    if chosen not in PROFILES:
        raise ParamsError(
            f"params key 'profile' has value {chosen!r}; allowed values: {', '.join(PROFILES)}"
        )
    kernel = raw.get("kernel")
    if not isinstance(kernel, str) or not kernel:
        raise ParamsError(f"params key 'kernel' must name a Jupyter kernel, got {kernel!r}")
    return {"profile": chosen, "kernel": kernel}


def resolve_profile(section: Mapping[str, Any], profile: str, where: str) -> dict[str, Any]:
    """`section` with every per-profile value replaced by the one for `profile`."""
    return {key: _pick(f"{where}.{key}", value, profile) for key, value in section.items()}


def _pick(key: str, value: Any, profile: str) -> Any:
    if isinstance(value, Mapping) and set(value) & set(PROFILES):
        if set(value) != set(PROFILES):
            missing = sorted(set(PROFILES) - set(value))
            extra = sorted(set(value) - set(PROFILES))
            raise ParamsError(
                f"params key '{key}' is a per-profile value and must give exactly "
                f"{', '.join(PROFILES)} (missing: {missing or 'none'}, unknown: {extra or 'none'})"
            )
        return value[profile]
    return value


def unknown_key(key: str, name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
    return f"params key '{key}' is unknown{hint}"


def _checked(key: str, value: Any, kind: Any, rules: Mapping[str, Any]) -> Any:
    """`value` checked against its declared type and rules (ints accepted where floats are)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if value is None and len(options) < len(typing.get_args(kind)):
            return None
        kind, origin = options[0], typing.get_origin(options[0])
    if origin is list:
        if not isinstance(value, list):
            raise ParamsError(f"params key '{key}' must be a list, got {value!r}")
        if len(value) < rules.get("min_items", 0):
            raise ParamsError(
                f"params key '{key}' needs at least {rules['min_items']} item(s), got {value!r}"
            )
        (item_kind,) = typing.get_args(kind)
        return [_scalar(f"{key}[{i}]", v, item_kind, rules) for i, v in enumerate(value)]
    return _scalar(key, value, kind, rules)


def _scalar(key: str, value: Any, kind: type, rules: Mapping[str, Any]) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ParamsError(f"params key '{key}' must be of type {kind.__name__}, got {value!r}")
    choices = rules.get("choices")
    if callable(choices):  # a list known only at run time (e.g. the shipped languages)
        choices = choices()
    if choices is not None and value not in choices:
        allowed = ", ".join(map(str, choices))
        raise ParamsError(f"params key '{key}' has value {value!r}; allowed values: {allowed}")
    for rule, ok, word in (
        ("ge", lambda a, b: a >= b, "at least"),
        ("gt", lambda a, b: a > b, "greater than"),
        ("le", lambda a, b: a <= b, "at most"),
        ("lt", lambda a, b: a < b, "less than"),
    ):
        if rule in rules and not ok(value, rules[rule]):
            raise ParamsError(f"params key '{key}' must be {word} {rules[rule]}, got {value!r}")
    return value
