"""annotator: offline annotation of conflict reports. Importing this package does nothing."""

__version__ = "0.1.0"
