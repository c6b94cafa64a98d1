"""Profiles: a platform's rules as TOML data, with `extends`, validated on load against the families' settings."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import ProfileError
from ..i18n import Text
from ..model import Severity
from .sections import build_section

DEFAULT_PROFILE = "zj-2021"
_TOP_KEYS = {"description", "description_en", "extends", "rules"}


@dataclass(frozen=True)
class Profile:
    """A loaded profile: each family's settings as a typed, frozen section, and the rule levels it sets. Picklable:
    it travels to `check -j` worker processes."""

    name: str
    source: str
    description: Text
    severities: dict[str, Severity]
    settings: dict[str, object]  # family -> its section (docprep.profiles.sections), built once at load

    def section(self, family: str):
        """A family's settings (`profile.section("photo").face.height_ratio`)."""
        return self.settings[family]

    def severity(self, rule_id: str, default: Severity) -> Severity:
        return self.severities.get(rule_id, default)

    @cached_property
    def digest(self) -> str:
        """SHA-256 of what decides a verdict: every setting and every rule's level. Equal however the profile is
        spelled (key order, `extends` or one file, a level or a key set to what it inherits); any value changed
        changes it. Its name and description do not count."""
        from ..rules import REGISTRY

        levels = {rule_id: self.severity(rule_id, rule.severity).value for rule_id, rule in REGISTRY.items()}
        sections = {family: dataclasses.asdict(section) for family, section in self.settings.items()}
        text = json.dumps({"rules": levels, "settings": sections}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shipped_profiles() -> dict[str, Path]:
    """Profile name -> file, for the profiles inside the installed package (or, when docprep is imported from a
    source checkout, e.g. `python -m docprep` in the repository, the top-level profiles/ folder beside it)."""
    try:
        folder = resources.files("docprep.builtin_profiles")
    except ModuleNotFoundError:
        folder = Path(__file__).resolve().parents[2] / "profiles"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> Profile:
    """Load a shipped profile by name, or a TOML file by path, resolving `extends` and validating everything."""
    path = _resolve(str(name_or_path), base=None)
    merged, description = _load_chain(path, seen=())
    _require_complete(merged, path)
    _cross_check(merged, path)
    severities = {rule: Severity(level) for rule, level in merged.pop("rules", {}).items()}
    settings = {family.name: build_section(family.name, family.settings, merged.get(family.name, {}))
                for family in _families()}
    return Profile(path.stem, str(path), description, severities, settings)


def _resolve(ref: str, base: Path | None) -> Path:
    shipped = shipped_profiles()
    looks_like_path = ref.endswith(".toml") or "/" in ref or "\\" in ref
    if not looks_like_path and ref in shipped:
        return shipped[ref]
    candidate = Path(ref) if base is None or Path(ref).is_absolute() else base.parent / ref
    if candidate.is_file():
        return candidate
    known = ", ".join(sorted(shipped))
    if candidate.is_dir():
        raise ProfileError(f"profile {ref!r} is a folder: give a .toml file or one of: {known}")
    raise ProfileError(f"profile {ref!r} not found: give a file path or one of: {known}")


def _load_chain(path: Path, seen: tuple[Path, ...]) -> tuple[dict, Text]:
    resolved = path.resolve()
    if resolved in seen:
        raise ProfileError(f"{path}: 'extends' loops back to itself ({' -> '.join(p.name for p in seen)})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # Notepad starts UTF-8 with a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from exc
    _validate_file(data, path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        merged, description = {}, Text("", "")
    else:
        try:
            parent = _resolve(parent_ref, base=path)
        except ProfileError as exc:  # say which file's `extends` points nowhere
            raise ProfileError(f"{path}: key 'extends': {exc}") from None
        merged, description = _load_chain(parent, seen + (resolved,))
    zh = data.pop("description", None)
    en = data.pop("description_en", None)
    if zh is not None or en is not None:
        description = Text(zh or en or "", en or zh or "")
    return _merge(merged, data), description


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def _families() -> tuple:
    from ..rules import FAMILIES  # the rules import profiles.schema: declared there, loaded here

    return FAMILIES


def _schema() -> dict:
    return {family.name: family.settings for family in _families() if family.settings}


def _rule_ids() -> set[str]:
    from ..rules import REGISTRY

    return set(REGISTRY)


def _validate_file(data: dict, path: Path) -> None:
    """Every key known and of the right type; completeness is checked after `extends` is resolved."""
    schema = _schema()
    for key, value in data.items():
        if key in ("description", "description_en", "extends"):
            if not isinstance(value, str):
                raise ProfileError(f"{path}: key '{key}': expected a string, got {value!r}")
        elif key == "rules":
            _validate_rules(value, path)
        elif key in schema:
            _validate_section(value, schema[key], key, path)
        else:
            known = ", ".join(sorted(_TOP_KEYS | set(schema)))
            raise ProfileError(f"{path}: unknown key '{key}' (known: {known})")


def _validate_rules(value, path: Path) -> None:
    if not isinstance(value, dict):
        raise ProfileError(f"{path}: key 'rules': expected a table of rule id = \"error\"|\"warning\"|\"off\"")
    ids = _rule_ids()
    for rule, level in value.items():
        if rule not in ids:
            raise ProfileError(f"{path}: key 'rules.{rule}': unknown rule id (see `docprep rules`)")
        if level not in {s.value for s in Severity}:
            raise ProfileError(f"{path}: key 'rules.{rule}': expected \"error\", \"warning\" or \"off\", got {level!r}")


def _validate_section(value, schema: dict, where: str, path: Path) -> None:
    if not isinstance(value, dict):
        raise ProfileError(f"{path}: key '{where}': expected a table")
    for key, item in list(value.items()):
        spec = schema.get(key)
        here = f"{where}.{key}"
        if spec is None:
            known = ", ".join(sorted(schema))
            raise ProfileError(f"{path}: unknown key '{here}' (known in [{where}]: {known})")
        if isinstance(spec, dict):
            _validate_section(item, spec, here, path)
        else:
            if spec.normalize is not None and spec.validate(item, here) is None:
                item = value[key] = spec.normalize(item)  # `value` is this file's freshly parsed table, not shared
            error = spec.validate(item, f"key '{here}'")
            if error:
                raise ProfileError(f"{path}: {error}")


def _cross_check(merged: dict, path: Path) -> None:
    for family in _families():
        error = family.validate(merged.get(family.name, {})) if family.validate else None
        if error:
            raise ProfileError(f"{path}: {error}")


def _require_complete(merged: dict, path: Path) -> None:
    def walk(values: dict, schema: dict, where: str) -> None:
        for key, spec in schema.items():
            here = f"{where}.{key}"
            if isinstance(spec, dict):
                walk(values.get(key, {}), spec, here)
            elif spec.required and key not in values:
                raise ProfileError(f"{path}: missing key '{here}' ({spec.help}); set it or extend a profile that does")

    for family, schema in _schema().items():
        walk(merged.get(family, {}), schema, family)
