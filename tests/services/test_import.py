"""Importing reports through the service, on both backends: identity, folders, bad files."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from annotator.core.ids import report_id
from annotator.services.reports import import_reports, list_reports

ARABIC = "قال المرصد إن عناصر من الحرس الثوري وصلوا إلى دير الزور يوم 7 نيسان 2024."


def dump(ctx) -> list[tuple]:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT id, title, chars FROM reports ORDER BY id"))]


def test_same_text_in_other_encodings_is_the_same_report(ctx, tmp_path: Path) -> None:
    utf8 = tmp_path / "a-utf8.txt"
    utf8.write_bytes(ARABIC.encode("utf-8"))
    cp1256 = tmp_path / "a-cp1256.txt"
    cp1256.write_bytes(ARABIC.encode("cp1256"))
    utf16 = tmp_path / "a-utf16.txt"
    utf16.write_bytes(ARABIC.encode("utf-16"))  # with BOM
    result = import_reports(ctx, [utf8, cp1256, utf16])
    assert result.errors == []
    assert [r.status for r in result.reports] == ["new", "existing", "existing"]
    assert {r.id for r in result.reports} == {report_id(ARABIC)}
    (summary,) = list_reports(ctx)
    assert summary.chars == len(ARABIC) and summary.direction == "rtl" and summary.language == "ar"


def test_folder_import_keeps_good_files_and_reports_bad_ones(ctx, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text("First report from Raqqa.", encoding="utf-8")
    (folder / "sub" / "two.md").write_text("# Second\n\nFrom Homs.", encoding="utf-8")
    (folder / "sub" / "bad.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "ignored.csv").write_text("a,b", encoding="utf-8")
    before = dump(ctx)
    result = import_reports(ctx, [folder])
    assert sorted(r.title for r in result.reports) == ["First report from Raqqa.", "Second"]
    assert len(result.errors) == 1 and "bad.docx" in result.errors[0].error
    assert len(dump(ctx)) == len(before) + 2


def test_a_failing_file_leaves_the_database_unchanged(ctx, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Kept.", encoding="utf-8")
    import_reports(ctx, [good])
    before = dump(ctx)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    result = import_reports(ctx, [broken])
    assert result.reports == [] and "broken.pdf" in result.errors[0].error
    assert dump(ctx) == before


def test_metadata_overrides(ctx, tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("Body of the report.", encoding="utf-8")
    result = import_reports(ctx, [f], title="Given title", published="2024-04-09", source="SOHR")
    (summary,) = list_reports(ctx)
    assert (summary.title, summary.published, summary.source) == ("Given title", "2024-04-09", "SOHR")
    assert result.reports[0].title == "Given title"
