"""Our Label Studio export checked with Label Studio's own code, label-studio-sdk (Label Studio itself, a
Django server, is not installed: its import runs the same ``LabelInterface``).

- The labeling config: Label Studio validates a project's config with ``LabelInterface.validate()``
  (``label_config_schema.json``: a ``Choices`` needs ``Choice`` children, "'Choice' is a required
  property"), then each imported region against it.
- ``completed_by``: Label Studio's task import (tasks/serializers.py ``_insert_valid_completed_by``) gives
  an annotation without ``completed_by`` to the importing user, takes an e-mail only of a member of the
  organisation, and refuses any other value (an integer that is not a member's id: the whole import
  fails). A fresh Label Studio has one member, so the export leaves ``completed_by`` out and names the
  annotators in the task's ``meta`` (kept by the import: ``Task(meta=task.get('meta'))``).
- The SDK's ``Converter`` reads the export as it reads Label Studio's own (JSON_MIN)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from annotator.core.annotation_set import Document
from annotator.formats import get
from annotator.formats.labelstudio import CONFIG_SUFFIX
from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface

from .conftest import canonical_docs


def three_annotators() -> list[Document]:
    """Reports A and B by alice; B also by bob (other status, a flag) and carol (no attributes)."""
    a, b = canonical_docs()
    bob = Document(b.report, "bob", tuple(s.with_(attrs={"status": "confirmed", "negated": True})
                                          if s.id == "T2" else s for s in b.spans), b.relations)
    carol = Document(b.report, "carol", tuple(s.with_(attrs={}) for s in b.spans[:3]), b.relations[:1])
    return [a, b, bob, carol]


@pytest.fixture
def export(tmp_path: Path) -> tuple[list[dict], str]:
    out = tmp_path / "project.json"
    summary = get("labelstudio").write(three_annotators(), out)
    config_path = tmp_path / ("project" + CONFIG_SUFFIX)
    assert str(config_path) in summary.files
    return json.loads(out.read_text(encoding="utf-8")), config_path.read_text(encoding="utf-8")


def test_the_labeling_config_is_valid_for_label_studio(export: tuple[list[dict], str]) -> None:
    _tasks, config = export
    LabelInterface(config).validate()  # raises on any problem, as project creation does
    assert '<Choices name="status" toName="text" perRegion="true"><Choice value=' in config
    # what the export printed before: Choices without Choice children, which Label Studio refuses
    old = re.sub(r'(<Choices name="status"[^>]*)>.*?</Choices>', r"\1/>", config)
    with pytest.raises(Exception, match="Validation failed"):
        LabelInterface(old).validate()


def test_every_annotation_is_valid_under_the_config(export: tuple[list[dict], str]) -> None:
    tasks, config = export
    interface = LabelInterface(config)
    for task in tasks:
        assert isinstance(task["data"]["text"], str) and isinstance(task["meta"], dict)
        for annotation in task["annotations"]:
            assert interface.validate_prediction(annotation, return_errors=True) == []


def test_a_fresh_label_studio_takes_every_annotator(export: tuple[list[dict], str]) -> None:
    tasks, _config = export
    assert len(tasks) == 2 and [len(t["annotations"]) for t in tasks] == [1, 3]
    for task in tasks:
        # no completed_by: credited to the importing user (ids 2, 3 would fail the whole import)
        assert all("completed_by" not in a for a in task["annotations"])
        assert task["meta"]["annotators"] == [a["annotator"] for a in task["annotations"]]
    assert tasks[1]["meta"]["annotators"] == ["alice", "bob", "carol"]


def test_annotators_survive_a_label_studio_round_trip(tmp_path: Path, export: tuple[list[dict], str]) -> None:
    """What Label Studio exports after the import: its own annotation ids, ``completed_by`` = the importing
    user, no extra annotation keys; the task meta is kept."""
    tasks, _config = export
    for task in tasks:
        for k, annotation in enumerate(task["annotations"]):
            annotation.pop("annotator")
            annotation.update(id=100 + k, completed_by=1)
    relabelled = tmp_path / "from-label-studio.json"
    relabelled.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    docs = list(get("labelstudio").read(relabelled))
    assert [d.annotator for d in docs] == ["alice", "alice", "bob", "carol"]
    bob = docs[2]
    assert next(s for s in bob.spans if s.id == "T2").attrs == {"status": "confirmed", "negated": "true"}


def test_email_domain_writes_member_emails(tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    get("labelstudio").write(three_annotators(), out, options={"email_domain": "example.org"})
    annotations = [a for t in json.loads(out.read_text(encoding="utf-8")) for a in t["annotations"]]
    assert [a["completed_by"] for a in annotations] == [{"email": f"{n}@example.org"}
                                                        for n in ("alice", "alice", "bob", "carol")]


def test_label_studios_converter_reads_the_export(tmp_path: Path, export: tuple[list[dict], str]) -> None:
    tasks, config = export
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    converter = Converter(config=config, project_dir=str(tmp_path), download_resources=False)
    converter.convert_to_json_min(str(source), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    assert len(rows) == 4
    for row in rows:
        for region in row["label"]:
            assert row["text"][region["start"]:region["end"]] == region["text"]
    b_claim = next(r for r in rows[1]["label"] if r["labels"] == ["claim"])
    assert (b_claim["start"], b_claim["end"]) == (30, 75)
