"""`docprep fix`: photos into ID photos that pass (fix.photo), images into one PDF attachment (fix.scan)."""
from .photo import FixResult, Refusal, fix_file, fix_paths, fix_photo_bytes

__all__ = ["FixResult", "Refusal", "fix_file", "fix_paths", "fix_photo_bytes"]
