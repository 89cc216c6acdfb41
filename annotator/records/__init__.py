"""Structured records: date normalisation, the entity registry and resolution, record building.

Imports only the standard library, rapidfuzz, anyascii, dateparser (lazily) and ``annotator.core``.
Nothing is read or computed at import time.
"""
