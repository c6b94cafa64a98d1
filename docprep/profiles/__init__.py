"""Profiles: a platform's rules as TOML data (the top-level profiles/ folder, shipped as docprep.builtin_profiles),
loaded with `extends` and validated against the settings each rule family declares (profiles.schema); each
family's section becomes a typed, frozen object (profiles.sections), and `Profile.digest` names what decides a
verdict. Rule texts quote the active profile's limits through profiles.texts."""
from .loader import DEFAULT_PROFILE, Profile, load_profile, shipped_profiles

__all__ = ["DEFAULT_PROFILE", "Profile", "load_profile", "shipped_profiles"]
