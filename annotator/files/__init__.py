"""Files the application reads from outside and writes for users: the one place for atomic writes,
container (zip) safety, bounded JSON input and the sentences for disk faults.

Readers, formats, exchange, store and services all lean on these modules, so every caller gets the
same limits and the same guarantees; the package imports only the standard library and ``core``.
"""
