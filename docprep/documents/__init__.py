"""Sniffing and loading: each file decoded once into the document its checks share (photo, PDF)."""
