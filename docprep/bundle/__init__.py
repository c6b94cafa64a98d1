"""Upload packages (`docprep bundle`): one application folder -> the files to upload, named and ordered as the
profile's notice lists them, with manifest.json and report.html, as a deterministic zip or a folder.

`layout.py` decides which file goes where (pure), `outputs.py` makes the files (the photo, merged PDFs, the
manifest), `archive.py` writes them (the deterministic zip writer, the folder swap), `build.py` plans and runs a
bundle, `text.py` says what it did."""
from .build import BundlePlan, BundleResult, Refusal, output_target, prepare_bundle
from .text import bundle_json, bundle_lines

__all__ = ["BundlePlan", "BundleResult", "Refusal", "bundle_json", "bundle_lines", "output_target",
           "prepare_bundle"]
