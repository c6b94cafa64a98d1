"""Running checks: find the files (engine.walk, one walker for check and fix), check each once (engine.checkfile:
pure functions of a path or bytes and a profile), in this process or in worker processes (engine.executor), and
gather the reports (engine.run)."""
from .run import check_paths, check_targets
from .walk import Target, discover

__all__ = ["Target", "check_file", "check_paths", "check_pdf", "check_pdf_bytes", "check_photo_bytes",
           "check_targets", "classify", "discover"]
_CHECKING = ("check_file", "check_pdf", "check_pdf_bytes", "check_photo_bytes", "classify")


def __getattr__(name: str):
    """The functions of engine.checkfile, imported on first use: it brings the decoders, OpenCV and every rule, which
    a run whose results are all cached never needs."""
    if name in _CHECKING:
        from . import checkfile

        return getattr(checkfile, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
