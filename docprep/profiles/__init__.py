"""Profiles: a platform's rules as TOML data (the top-level profiles/ folder, shipped as docprep.builtin_profiles),
loaded with `extends` and validated against the settings each rule family declares (profiles.schema)."""
from .loader import DEFAULT_PROFILE, Profile, load_profile, shipped_profiles

__all__ = ["DEFAULT_PROFILE", "Profile", "load_profile", "shipped_profiles"]
