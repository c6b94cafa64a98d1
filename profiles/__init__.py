"""Shipped profiles (TOML). A package only so that the wheel carries them as docprep.builtin_profiles."""
