"""Marketplace profiles: readable TOML files in ``resources/profiles/`` (or a user's copy).

A profile names its rules under ``[rules.<rule id>]``; each rule holds its thresholds and
``severity``, ``source``, ``verified`` (V1, V2 or unverified) and ``effective`` (the date the
rule was read or takes effect). ``inherits = "other-profile"`` starts from another profile;
a child's rule table overrides the parent's keys one by one, and ``enabled = false`` drops
the rule. A rule may carry ``next = {effective = 2027-01-31, ...}``: thresholds that replace
the current ones from that date (before it, breaking them is reported as a warning).

A *learned* rule, ``[rules.learned_<name>]``, runs a model trained by the ``photo_rule``
plugin on a merchant's ``ok/`` and ``reject/`` photos: ``model`` is its file (relative paths
are taken from the profile's folder) and ``threshold`` the reject score (0..1, default 0.5)
from which the photo is reported.

Every problem raises :class:`ProfileError` naming the file, the line and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.paths import RESOURCES, user_data_dir

BUILTIN_DIR = RESOURCES / "profiles"
SEVERITIES = ("error", "warning", "info")
COMMON_KEYS = {"severity": str, "source": str, "verified": str, "effective": dt.date,
               "note": str, "enabled": bool, "next": dict}
NUM = (int, float)
#: the rule ids and the threshold keys (with their types) each one accepts
RULE_KEYS: dict[str, dict[str, Any]] = {
    "format": {"allowed": list},
    "file_size": {"max_mb": NUM},
    "min_size": {"min_longest": int, "min_width": int, "min_height": int,
                 "recommended_longest": int},
    "max_size": {"max_longest": int, "max_width": int, "max_height": int, "max_megapixels": NUM},
    "aspect_ratio": {"ratio": str, "tolerance": NUM},
    "color_mode": {"modes": list, "max_bit_depth": int, "srgb": bool},
    "transparency": {},
    "background_white": {"tolerance": int, "max_off_white": NUM},
    "fill_ratio": {"min": NUM, "max": NUM, "mode": str},
    "product_cropped": {"min_edge_fraction": NUM},
    "border": {},
    "text_overlay": {},
    "watermark": {},
    "collage": {"min_views": int},
    "blur": {"min_sharpness": NUM},
}
#: rule ids starting with this run a learned model (see the module docstring)
LEARNED_PREFIX = "learned_"
LEARNED_KEYS: dict[str, Any] = {"model": str, "threshold": NUM}
TOP_KEYS = {"name", "title", "marketplace", "reviewed", "inherits", "description", "rules"}


class ProfileError(Exception):
    """A profile that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class Rule:
    """One rule of a profile: its id, severity, thresholds and provenance."""

    id: str
    severity: str
    params: dict[str, Any]
    source: str = ""
    verified: str = ""
    effective: dt.date | None = None
    #: thresholds that take over on ``upcoming_date`` (already merged into ``params``
    #: once that date has passed)
    upcoming: dict[str, Any] = field(default_factory=dict)
    upcoming_date: dt.date | None = None


@dataclass(frozen=True)
class Profile:
    """A marketplace's rules, by rule id, in the order the checks run."""

    name: str
    title: str
    rules: dict[str, Rule]
    path: Path | None = None
    marketplace: str = ""


def profile_dirs() -> list[Path]:
    """Where profiles are looked up by name: the user's own folder first, then the bundled."""
    return [user_data_dir() / "profiles", BUILTIN_DIR]


def list_profiles() -> list[str]:
    """Names of every profile available by name, sorted."""
    names = {p.stem for folder in profile_dirs() if folder.is_dir() for p in folder.glob("*.toml")}
    return sorted(names)


def find_profile(name: str) -> Path:
    """The file for a profile name (or a path to a ``.toml``); an unknown name lists the
    available ones."""
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    for folder in profile_dirs():
        path = folder / f"{name}.toml"
        if path.is_file():
            return path
    raise ProfileError(f"unknown profile {name!r}; available: {', '.join(list_profiles())}")


def load_profile(name: str, today: dt.date | None = None) -> Profile:
    """Load a profile by name or path, resolving ``inherits``."""
    return _load(find_profile(name), today or dt.date.today(), ())


def parse_profile(text: str, path: Path, today: dt.date | None = None) -> Profile:
    """A profile from TOML text (``path`` names it in errors; ``inherits`` looks up by name)."""
    return _build(text, path, today or dt.date.today(), ())


def _load(path: Path, today: dt.date, chain: tuple[Path, ...]) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc})") from None
    return _build(text, path, today, chain)


def _build(text: str, path: Path, today: dt.date, chain: tuple[Path, ...]) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: {exc}") from None
    where = _Locator(path, text)
    for key in data:
        if key not in TOP_KEYS:
            expected = ", ".join(sorted(TOP_KEYS))
            raise where.error(None, key, f"unknown key (expected one of {expected})")
    rules_data = data.get("rules", {})
    if not isinstance(rules_data, dict):
        raise where.error(None, "rules", "must be a table of [rules.<rule id>]")
    raw: dict[str, dict[str, Any]] = {}
    parent = data.get("inherits")
    if parent is not None:
        if not isinstance(parent, str):
            raise where.error(None, "inherits", "must be a profile name in quotes")
        try:
            parent_path = find_profile(parent)
        except ProfileError as exc:
            raise where.error(None, "inherits", str(exc)) from None
        if parent_path.resolve() in chain or parent_path.resolve() == path.resolve():
            raise where.error(None, "inherits", f"profile {parent!r} inherits from itself")
        base = _load(parent_path, today, (*chain, path.resolve()))
        raw = {rid: _raw(rule) for rid, rule in base.rules.items()}
    for rule_id, table in rules_data.items():
        if _keys(rule_id) is None:
            raise where.error(f"rules.{rule_id}", None,
                              f"unknown rule {rule_id!r} (known: {', '.join(RULE_KEYS)}, "
                              f"{LEARNED_PREFIX}<name>)")
        if not isinstance(table, dict):
            raise where.error(None, f"rules.{rule_id}", "must be a table")
        _validate(where, rule_id, table)
        if rule_id.startswith(LEARNED_PREFIX) and "model" in table:
            table = {**table, "model": str(path.parent / Path(table["model"]).expanduser())}
        raw[rule_id] = {**raw.get(rule_id, {}), **table}
        if rule_id.startswith(LEARNED_PREFIX) and "model" not in raw[rule_id]:
            raise where.error(f"rules.{rule_id}", None, "a learned rule needs model = \"...\"")
    rules = {rid: _rule(rid, table, today) for rid, table in raw.items()
             if table.get("enabled", True)}
    ordered = {rid: rules[rid] for rid in RULE_KEYS if rid in rules}
    ordered.update({rid: rule for rid, rule in rules.items() if rid.startswith(LEARNED_PREFIX)})
    name = data.get("name", path.stem)
    return Profile(str(name), str(data.get("title", name)), ordered, path,
                   str(data.get("marketplace", "")))


def _validate(where: _Locator, rule_id: str, table: dict[str, Any]) -> None:
    allowed = {**COMMON_KEYS, **(_keys(rule_id) or {})}
    section = f"rules.{rule_id}"
    for key, value in table.items():
        if key not in allowed:
            raise where.error(section, key, f"unknown key for rule {rule_id!r} (expected one "
                              f"of {', '.join(sorted(allowed))})")
        expected = allowed[key]
        if isinstance(value, bool) and expected is not bool:
            ok = False
        else:
            ok = isinstance(value, expected)
        if not ok:
            names = "a number" if expected is NUM else f"a {getattr(expected, '__name__', '')}"
            raise where.error(section, key, f"must be {names}, got {value!r}")
        if key == "severity" and value not in SEVERITIES:
            raise where.error(section, key, f"must be one of {', '.join(SEVERITIES)}")
        if key == "next":
            if not isinstance(value.get("effective"), dt.date):
                raise where.error(section, key, "needs an effective = YYYY-MM-DD date")
            _validate(where, rule_id, {k: v for k, v in value.items() if k != "effective"})
        if key == "ratio" and not re.fullmatch(r"\s*\d+(\.\d+)?\s*:\s*\d+(\.\d+)?\s*", value):
            raise where.error(section, key, f"must look like \"1:1\" or \"1:1.44\", got {value!r}")
        if key == "threshold" and not 0 <= value <= 1:
            raise where.error(section, key, f"must be a score from 0 to 1, got {value!r}")
        if key == "mode" and value not in ("longest_side", "area"):
            raise where.error(section, key, "must be \"longest_side\" or \"area\"")


def _keys(rule_id: str) -> dict[str, Any] | None:
    """The threshold keys a rule id accepts, or None for an unknown rule."""
    if rule_id.startswith(LEARNED_PREFIX) and len(rule_id) > len(LEARNED_PREFIX):
        return LEARNED_KEYS
    return RULE_KEYS.get(rule_id)


def _rule(rule_id: str, table: dict[str, Any], today: dt.date) -> Rule:
    params = {k: v for k, v in table.items() if k not in COMMON_KEYS}
    upcoming = dict(table.get("next", {}))
    date = upcoming.pop("effective", None)
    if date is not None and date <= today:
        params.update(upcoming)
        upcoming, date = {}, None
    return Rule(rule_id, table.get("severity", "error"), params, table.get("source", ""),
                table.get("verified", ""), table.get("effective"), upcoming, date)


def _raw(rule: Rule) -> dict[str, Any]:
    """A resolved rule back as a table, so that a child profile can override its keys."""
    table: dict[str, Any] = {**rule.params, "severity": rule.severity, "source": rule.source,
                             "verified": rule.verified}
    if rule.effective is not None:
        table["effective"] = rule.effective
    if rule.upcoming_date is not None:
        table["next"] = {**rule.upcoming, "effective": rule.upcoming_date}
    return table


class _Locator:
    """Finds the line of a key in the profile text, for error messages."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, section: str | None, key: str | None) -> int | None:
        current = None
        for number, line in enumerate(self.lines, 1):
            stripped = line.strip()
            header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
            if header:
                current = header.group(1).replace(" ", "")
                if key is None and current == section:
                    return number
                continue
            if key is not None and current == section and re.match(
                    rf"{re.escape(key)}\s*=", stripped):
                return number
        if key is not None and section is None:  # e.g. "rules.x" given as a key
            return self.line_of(key, None)
        return None

    def error(self, section: str | None, key: str | None, message: str) -> ProfileError:
        line = self.line_of(section, key)
        where = f"line {line}" if line else "(line unknown)"
        full = ".".join(p for p in (section, key) if p)
        return ProfileError(f"{self.path}: {where}: {full}: {message}")
