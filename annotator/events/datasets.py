"""The dataset schemas of ``resources/events``: each dataset's own columns or fields, code lists and
precision codes, with the codebooks they come from (``sources`` in each file).

A schema is data read when an export asks for it; ``DatasetSchema`` gives typed access to the parts
the writers use and ``missing_required`` says which of a dataset's required fields a row lacks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import FormatError

DATASETS = ("acled", "ucdp-ged", "plover", "stix")


@dataclass(frozen=True)
class DatasetSchema:
    name: str
    data: Mapping[str, Any]

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.name))

    @property
    def columns(self) -> list[str]:
        return list(self.data.get("columns") or self.data.get("fields") or ())

    @property
    def required(self) -> list[str]:
        return list(self.data.get("required") or ())

    def table(self, key: str) -> dict[str, Any]:
        return dict(self.data.get(key) or {})

    def missing_required(self, row: Mapping[str, Any]) -> list[str]:
        """Required fields that are empty in ``row`` (None, "", or an empty list)."""
        return [f for f in self.required if row.get(f) in (None, "", [])]


def load_dataset(folder: Path | str, name: str) -> DatasetSchema:
    """``resources/events/<name>.json``; a missing or broken file is one sentence naming it."""
    if name not in DATASETS:
        raise FormatError(name, None, f"is not an event dataset (datasets: {', '.join(DATASETS)})")
    return DatasetSchema(name, _read(Path(folder) / f"{name}.json"))


def load_countries(folder: Path | str) -> dict[str, dict[str, Any]]:
    """ISO 3166 alpha-2 → alpha-3, numeric code, Gleditsch–Ward number, name and regions."""
    return dict(_read(Path(folder) / "countries.json").get("countries") or {})


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FormatError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(path, None, f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise FormatError(path, None, "is not a JSON object")
    return data
