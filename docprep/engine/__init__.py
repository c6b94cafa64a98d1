"""Running checks: find the files (one walker for check and fix), read and decode each once, run its family's rules,
and gather the reports, serially or in worker processes."""
from .run import check_file, check_paths, check_pdf, check_pdf_bytes, check_photo_bytes, check_targets, discover

__all__ = ["check_file", "check_paths", "check_pdf", "check_pdf_bytes", "check_photo_bytes", "check_targets",
           "discover"]
