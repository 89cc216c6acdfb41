"""Exchange bundles between air-gapped workstations: a zip with a manifest, pure of any session."""
