"""Settings for a folder: `docprep.toml`, or the `[tool.docprep]` table of `pyproject.toml`, found from the checked
path upwards (in each folder `docprep.toml` first; a pyproject.toml without the table is passed by). The first
found wins. Keys:

    profile = "zj-2021"             # a shipped profile's name, or a .toml file (relative to this file's folder)
    ignore = ["旧材料", "*.bak", "草稿/**"]   # paths not walked, relative to this file's folder
    [rules]                         # rule levels over the profile's, as in a profile's [rules]
    "pdf.color" = "off"

Command-line options override the file (`--profile` replaces `profile`; the `[rules]` levels still apply). Unknown
keys, wrong types, unknown rule ids and unknown levels are errors naming the file and the key (exit 2)."""
from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import DocprepError
from ..i18n import message
from ..model import Severity
from ..paths import display_path
from ..profiles import DEFAULT_PROFILE, Profile, load_profile
from ..rules import REGISTRY

SETTINGS_FILE = "docprep.toml"
PYPROJECT = "pyproject.toml"
KEYS = ("profile", "rules", "ignore")
# Rules whose level no settings file changes: a file that could not be checked must never pass silently.
_FIXED_LEVELS = {"file.check-failed"}


class ConfigError(DocprepError):
    """A settings file that cannot be read or holds what docprep does not know (exit 2)."""

    def __init__(self, path: Path, detail: str, **values):
        super().__init__("config", path=display_path(path), detail=message(f"config.{detail}", **values))


@dataclass(frozen=True)
class Settings:
    """What a settings file says (all empty when none was found); `base` is its folder."""

    source: Path | None = None
    profile: str | None = None
    rules: dict[str, Severity] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()

    @property
    def base(self) -> Path | None:
        return self.source.parent if self.source is not None else None

    def load_profile(self, given: str | None = None) -> Profile:
        """The profile to check with: `given` (the command line's) else the file's else the default, with the
        file's rule levels over it (so they count in its digest, and in the cache's keys)."""
        ref = given or self.profile or DEFAULT_PROFILE
        if given is None and self.profile is not None and _names_a_file(self.profile):
            ref = str(Path(self.base, self.profile))
        profile = load_profile(ref)
        if not self.rules:
            return profile
        return dataclasses.replace(profile, severities={**profile.severities, **self.rules})

    def ignored(self, path: Path) -> bool:
        """Whether an ignore pattern matches `path` (a path below this file's folder): a pattern without '/'
        matches a file or folder name at any depth (`*.bak`, `旧材料`); one with '/' matches the path from this
        file's folder (`2019/*.pdf`; `**` spans folders)."""
        if not self.ignore or self.base is None:
            return False
        try:
            relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.base))
        except ValueError:  # another drive (Windows)
            return False
        parts = Path(relative).parts
        if not parts or parts[0] in (os.curdir, os.pardir):
            return False
        return any(_matches(pattern, parts) for pattern in self.ignore)


def _names_a_file(ref: str) -> bool:
    return Path(ref).suffix.lower() == ".toml" or len(Path(ref).parts) > 1


def _matches(pattern: str, parts: tuple[str, ...]) -> bool:
    pattern = pattern.replace("\\", "/").removeprefix("./").strip("/")
    if "/" not in pattern:
        return fnmatch.fnmatch(parts[-1], pattern)
    return _match_segments(pattern.split("/"), parts)


def _match_segments(segments: list[str], parts: tuple[str, ...]) -> bool:
    if not segments:
        return not parts
    if segments[0] == "**":
        return any(_match_segments(segments[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatch(parts[0], segments[0]) and _match_segments(segments[1:], parts[1:])


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "unreadable", reason=str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "not_toml", reason=str(exc)) from None


def _table(path: Path) -> dict | None:
    """The settings a file holds: docprep.toml whole, pyproject.toml's [tool.docprep] (None: it has none)."""
    data = _read_toml(path)
    if path.name != PYPROJECT:
        return data
    tool = data.get("tool")
    table = tool.get("docprep") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        _wrong(path, "tool.docprep", "table")
    return table


def _wrong(path: Path, key: str, expected: str) -> None:
    raise ConfigError(path, "wrong_type", setting=key, expected=message(f"config.expected_{expected}"))


def _levels(path: Path, value, prefix: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        _wrong(path, f"{prefix}rules", "table")
    levels = {}
    for rule_id, level in value.items():
        key = f"{prefix}rules.{rule_id}"
        if rule_id not in REGISTRY:
            raise ConfigError(path, "unknown_rule", setting=key)
        if level not in {s.value for s in Severity}:
            raise ConfigError(path, "bad_level", setting=key, level=repr(level))
        if rule_id in _FIXED_LEVELS and level != REGISTRY[rule_id].severity.value:
            raise ConfigError(path, "fixed_level", setting=key)
        levels[rule_id] = Severity(level)
    return levels


def read_settings(path: str | os.PathLike) -> Settings:
    """The settings in one file (docprep.toml, pyproject.toml's [tool.docprep], or any TOML file named with
    --config), validated; ConfigError when it holds an unknown key or a wrong value."""
    path = Path(path)
    table = _table(path)
    if table is None:
        raise ConfigError(path, "no_table")
    prefix = "tool.docprep." if path.name == PYPROJECT else ""
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(path, "unknown_key", setting=prefix + unknown[0], known=", ".join(KEYS))
    profile = table.get("profile")
    if profile is not None and not (isinstance(profile, str) and profile):
        _wrong(path, prefix + "profile", "profile")
    ignore = table.get("ignore", [])
    if not (isinstance(ignore, list) and all(isinstance(p, str) and p.strip("/\\. ") for p in ignore)):
        _wrong(path, prefix + "ignore", "patterns")
    return Settings(path.absolute(), profile, _levels(path, table.get("rules", {}), prefix), tuple(ignore))


def settings_file(start: Path) -> Path | None:
    """The settings file that governs `start`: the nearest folder upwards (from `start` itself when it is a
    folder) holding docprep.toml, or a pyproject.toml with a [tool.docprep] table."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate / SETTINGS_FILE
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _table(pyproject) is not None:
            return pyproject
    return None


def find_settings(paths: Iterable[str | os.PathLike], given: str | os.PathLike | None = None) -> Settings:
    """The settings for a run over `paths`: the file `given` (--config), else the one each path finds upwards.
    Paths that find no file take the one the others found; paths that find different files are an error (one run
    has one profile): check them in separate runs, or name one with --config."""
    if given is not None:
        return read_settings(given)
    found: list[Path] = []
    for path in paths:
        source = settings_file(Path(path))
        if source is not None and not any(os.path.samefile(source, f) for f in found):
            found.append(source)
    if len(found) > 1:
        raise ConfigError(found[0], "several", other=display_path(found[1]))
    return read_settings(found[0]) if found else Settings()
