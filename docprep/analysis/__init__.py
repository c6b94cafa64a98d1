"""Measurements with no verdicts: faces (face), page scans (pagescan), red ink (redink), seals (seals), the
verification words (words) and their date (dates), all three on one page (marks), document pictures (docimage),
with one box type and mm-to-pixel conversion (geometry). OCR and onnxruntime live in `ocr` alone."""
