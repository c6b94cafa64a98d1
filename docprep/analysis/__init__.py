"""Measurements with no verdicts: faces, page scans, seals, verification words and dates, document pictures."""
