"""Pure domain of annotator: no I/O, no SQLAlchemy, no Qt."""
