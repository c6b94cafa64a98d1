"""`docprep fix`: photos into ID photos that pass (fix.photo), images into one PDF attachment (fix.scan).

fix.refusal: how both refuse; fix.jpeg: a JPEG without its metadata; fix.pages: measuring and preparing a scanned
page; fix.pdf: page images and the PDF (img2pdf); fix.compress: fitting a size target."""
from .photo import FixResult, Refusal, fix_file, fix_paths, fix_photo_bytes

__all__ = ["FixResult", "Refusal", "fix_file", "fix_paths", "fix_photo_bytes"]
