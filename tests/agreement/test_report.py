"""The corpus report (agreement.md §8) on a hand-built corpus whose figures are worked out below."""

from __future__ import annotations

import dataclasses
import json

import pytest
from annotator.agreement import AgreementReport, DocumentSpans, agreement_report, krippendorff_alpha_unitizing
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.spans import Span

# r1: alice and gold agree; bob has the actor, a shifted place, no date and an extra claim.
# r2: alice and gold say place, bob says actor for the same stretch.  r3: alice alone.
R1 = {"alice": [Span("T1", 0, 10, "actor"), Span("T2", 20, 30, "place"), Span("T3", 40, 50, "date")],
      "bob": [(0, 10, "actor"), (22, 30, "place"), (60, 70, "claim")],
      "gold": [(0, 10, "actor"), (20, 30, "place"), (40, 50, "date")]}
R2 = {"alice": [(5, 15, "place")], "bob": [(5, 15, "actor")], "gold": [(5, 15, "place")]}
R3 = {"alice": [(0, 5, "date")]}


def corpus(text: bool = False) -> list[DocumentSpans]:
    t1 = ("Rami Haddad met delegates at Homs on the 4th of May. Later that day nothing else happened at all, "
          "and the meeting ended.") if text else None
    return [DocumentSpans("r1", 100, R1, title="First", text=t1), DocumentSpans("r2", 60, R2, title="Second"),
            DocumentSpans("r3", 40, R3, title="Third")]


@pytest.fixture(scope="module")
def report() -> AgreementReport:
    return agreement_report(corpus())


def test_structure_and_json(report: AgreementReport) -> None:
    data = report.to_dict()
    assert set(data) == {"overall", "by_label", "by_pair", "by_report", "vs_gold", "token_kappa", "parameters"}
    for block in [data["overall"], *data["by_label"].values(), *data["by_pair"], *data["by_report"]]:
        assert {"f1_exact", "f1_overlap", "alpha_u", "n_spans"} <= set(block)
    json.dumps(data, allow_nan=False)


def test_overall_values(report: AgreementReport) -> None:
    o = report.overall
    # alice × bob pooled over r1 and r2: 8 spans, 1 exact match, 2 overlap matches
    assert o.f1_exact == pytest.approx(2 / 8) and o.f1_overlap == pytest.approx(4 / 8)
    assert o.n_spans_compared == 8 and o.n_spans == 9 and o.n_spans_gold == 4
    assert o.macro_f1_exact == pytest.approx((2 / 3) / 4) and o.macro_f1_overlap == pytest.approx((4 / 3) / 4)
    assert (o.n_reports, o.n_reports_compared, o.n_reports_single_annotator) == (3, 2, 1)
    assert o.n_annotators == 2 and o.n_pairs == 1 and o.spans_per_annotator == {"alice": 5, "bob": 4}
    # corpus α_U: r1 and r2 (the reports with two annotators) laid end to end
    joined = {w: [(s.start, s.end, s.label) if isinstance(s, Span) else s for s in R1[w]]
              + [(s + 100, e + 100, lab) for s, e, lab in R2[w]] for w in ("alice", "bob")}
    expected = krippendorff_alpha_unitizing(continuum=[0, 160], annotators=joined)
    assert o.alpha_u_method == "concatenated"
    assert o.alpha_u == pytest.approx(expected["alpha_u"], abs=1e-12)
    assert report.by_label["place"].alpha_u == pytest.approx(expected["per_label"]["place"], abs=1e-12)


def test_gold_is_excluded_from_pairs(report: AgreementReport) -> None:
    assert [(p.a, p.b) for p in report.by_pair] == [("alice", "bob")]
    assert report.parameters.annotators == ("alice", "bob")
    pair = report.by_pair[0]
    assert pair.f1_overlap == pytest.approx(0.5) and pair.n_reports == 2
    assert pair.alpha_u == pytest.approx(report.overall.alpha_u, abs=1e-12)


def test_by_label(report: AgreementReport) -> None:
    lab = report.by_label
    assert set(lab) == {"actor", "claim", "date", "place"}
    assert lab["actor"].f1_exact == pytest.approx(2 / 3) and lab["actor"].f1_overlap == pytest.approx(2 / 3)
    assert lab["place"].f1_exact == 0.0 and lab["place"].f1_overlap == pytest.approx(2 / 3)
    assert lab["claim"].f1_overlap == 0.0 and lab["date"].f1_overlap == 0.0
    assert lab["date"].n_spans == 2  # alice's r1 and r3 dates; only r1 is compared
    assert lab["date"].n_spans_compared == 1


def test_by_report_sorted_by_disagreement(report: AgreementReport) -> None:
    rows = report.by_report
    assert [r.report for r in rows] == ["r2", "r1", "r3"]
    r2, r1, r3 = rows
    assert r2.f1_overlap == 0.0 and r2.title == "Second"
    assert r1.f1_exact == pytest.approx(1 / 3) and r1.f1_overlap == pytest.approx(2 / 3) and r1.n_pairs == 1
    only = {w: [(s.start, s.end, s.label) if isinstance(s, Span) else s for s in R1[w]] for w in ("alice", "bob")}
    assert r1.alpha_u == pytest.approx(
        krippendorff_alpha_unitizing(continuum=[0, 100], annotators=only)["alpha_u"], abs=1e-12)
    # one annotator: undefined, not 1.0
    assert r3.f1_overlap is None and r3.alpha_u is None and r3.reason and "one annotator" in r3.reason


def test_vs_gold(report: AgreementReport) -> None:
    rows = {r.annotator: r for r in report.vs_gold}
    assert set(rows) == {"alice", "bob"}
    alice, bob = rows["alice"], rows["bob"]
    assert (alice.precision, alice.recall, alice.f1_exact, alice.f1_overlap) == (1.0, 1.0, 1.0, 1.0)
    assert alice.n_reports == 2 and alice.n_spans_gold == 4
    assert bob.precision == pytest.approx(0.25) and bob.recall == pytest.approx(0.25)
    assert bob.f1_exact == pytest.approx(0.25) and bob.f1_overlap == pytest.approx(0.5)
    assert bob.precision_overlap == pytest.approx(0.5)


def test_token_kappa_needs_text(report: AgreementReport) -> None:
    tk = report.token_kappa
    assert tk.kappa is None and tk.reason and "O" in tk.explanation
    with_text = agreement_report(corpus(text=True)).token_kappa
    assert with_text.kappa is not None and with_text.tokens > 0 and with_text.n_reports == 1
    assert set(with_text.per_label) == {"actor", "claim", "date", "place"}
    assert with_text.explanation


def test_filters() -> None:
    only_alice = agreement_report(corpus(), annotators=["alice"])
    assert only_alice.by_pair == () and only_alice.overall.f1_overlap is None
    assert only_alice.overall.reason and [r.annotator for r in only_alice.vs_gold] == ["alice"]
    actors = agreement_report(corpus(), labels=["actor"])
    assert set(actors.by_label) == {"actor"}
    assert actors.overall.f1_exact == pytest.approx(2 / 3)


def test_partial_annotator_sets_use_the_mean_of_pairs() -> None:
    docs = [DocumentSpans("a", 50, {"x": [(0, 5, "p")], "y": [(0, 5, "p")]}),
            DocumentSpans("b", 50, {"y": [(3, 9, "p")], "z": [(2, 9, "p")]})]
    r = agreement_report(docs)
    assert r.overall.alpha_u_method == "mean_of_pairs"
    pairs = [p.alpha_u for p in r.by_pair]
    defined = [v for v in pairs if v is not None]
    assert r.overall.alpha_u == pytest.approx(sum(defined) / len(defined))


def test_empty_corpus() -> None:
    r = agreement_report([])
    assert r.overall.f1_exact is None and r.overall.reason and r.by_report == ()
    json.dumps(r.to_dict(), allow_nan=False)


def test_cancel_and_progress() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        agreement_report(corpus(), cancel=token)
    calls: list[tuple] = []
    token = CancelToken()

    def progress(done: int, total: int | None, message: str = "") -> None:
        calls.append((done, total))
        token.cancel()  # cancelled while working: the next document check stops it

    with pytest.raises(Cancelled):
        agreement_report(corpus(), progress=progress, cancel=token)
    assert calls[0] == (0, 3)
    calls.clear()
    agreement_report(corpus(), progress=lambda d, t, m="": calls.append((d, t)))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)


def test_the_report_is_a_read_only_result(report: AgreementReport) -> None:
    """Frozen, with tuples for its rows: a reader (the dashboard, an export) cannot change what another reads."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.overall.f1_exact = 1.0  # type: ignore[misc]
    assert isinstance(report.by_report, tuple) and isinstance(report.by_report[0].annotators, tuple)
    data = report.to_dict()
    assert data == json.loads(json.dumps(data))  # plain JSON data: lists, dicts, numbers, strings, None
