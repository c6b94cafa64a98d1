"""docprep: preflight for professional-title (职称) application documents.

The library API: load_profile(), check_paths(), check_file(); docprep.fix.fix_paths() and fix_photo_bytes(). The CLI (docprep.cli) is a thin shell."""
__version__ = "0.1.0"

from .model import Report  # noqa: E402
from .profiles import load_profile  # noqa: E402

__all__ = ["__version__", "Report", "check_file", "check_paths", "load_profile"]


def __getattr__(name: str):
    """check_file and check_paths, imported on first use: the checking layers (OpenCV, PDFium, every rule) cost a
    command that checks nothing (a cached run, `--help`) half a second."""
    if name in ("check_file", "check_paths"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
