"""Reports for people and machines: text, JSON, and annotated page pictures."""
