"""Write ``resources/samples/annotations.jsonl``: two annotators' work on every sample report.

Offsets are never typed by hand: each span is given by its surface text (and, where the surface
occurs more than once, the text it follows), found with ``str.index`` in the text exactly as the
readers decode the sample file, so every ``start``/``end`` is right by construction and every ``id``
is the SHA-256 the application will compute on import. ``alice`` is the fuller annotation; ``bob``
is derived from it with deliberate disagreements (boundaries, a label, missed spans, a claim
status) so agreement and adjudication have something to show.

Both annotate events (``Ev``: a type of the default schema's events section, roles and claims named by
span key, counts, qualifiers, dataset attributes and an incident) and grade sources and claims with the
Admiralty system (``grades``: a letter A–F is a source's reliability, a digit 1–6 a claim's credibility).
Incidents group events across reports (``INCIDENTS``); bob's events differ from alice's in type, counts,
grades and a missed event, so event agreement has something to show too.

Run:  python scripts/make_sample_annotations.py        (rewrites the file)
      python scripts/make_sample_annotations.py --check (exit 1 if the file is out of date)
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "resources" / "samples"
OUTPUT = SAMPLES / "annotations.jsonl"

if str(ROOT) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from annotator.core.events import Estimate, Event, Incident, event_to_dict  # noqa: E402
from annotator.core.ids import report_id  # noqa: E402
from annotator.core.report import text_direction  # noqa: E402
from annotator.readers import read_report_file  # noqa: E402


@dataclass(frozen=True)
class S:
    """A span by surface: the ``nth`` occurrence of ``surface`` after the first ``after``."""

    key: str
    label: str
    surface: str
    after: str = ""
    nth: int = 1
    attrs: dict[str, Any] = field(default_factory=dict)
    value: str | None = None
    entity: str | None = None  # a registry entry the annotator confirmed


@dataclass(frozen=True)
class Ev:
    """An event: roles and claims name spans by key; ``trigger`` defaults to the first claim."""

    key: str
    type: str
    claims: tuple[str, ...]
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    qualifiers: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    incident: str | None = None


INCIDENTS = {
    "I-raqqa-drone-strike": Incident("I-raqqa-drone-strike", "Drone strike on a car near al-Mansoura, 10 April 2024",
                                     "Four claims in one Telegram post; the attribution to Turkey is speculative."),
    "I-aleppo-airport-strike": Incident("I-aleppo-airport-strike", "Strike near Aleppo airport, 5 April 2024",
                                        "The opposition channel reports a wounded adviser; state media report "
                                        "material losses only."),
    "I-homs-checkpoint-blast": Incident("I-homs-checkpoint-blast",
                                        "Explosive device at a Homs checkpoint, 8 April 2024",
                                        "Pro-government page: no injuries; Telegram channel: an IRGC officer hurt."),
    "I-abu-kamal-convoy": Incident("I-abu-kamal-convoy", "Fighters and a convoy crossing at al-Qaim into Abu Kamal",
                                   "An Arabic monitoring site and an Iraqi news site, 5-7 April 2024."),
    "I-beirut-meeting": Incident("I-beirut-meeting", "IRGC envoy meeting in Beirut's southern suburbs",
                                 "Two outlets disagree on the date (1 or 2 April) and the place."),
}


@dataclass(frozen=True)
class Bob:
    """How bob's set differs from alice's: spans dropped, replaced (same key) or added; relations
    dropped or added as (label, head key, tail key)."""

    drop: tuple[str, ...] = ()
    replace: tuple[S, ...] = ()
    add: tuple[S, ...] = ()
    drop_relations: tuple[tuple[str, str, str], ...] = ()
    add_relations: tuple[tuple[str, str, str], ...] = ()
    drop_events: tuple[str, ...] = ()
    replace_events: tuple[Ev, ...] = ()
    grades: dict[str, str] = field(default_factory=dict)  # bob's grades that differ from alice's


@dataclass(frozen=True)
class Plan:
    file: str
    published: str
    spans: tuple[S, ...]
    relations: tuple[tuple[str, str, str], ...]  # (label, claim key, other key)
    bob: Bob
    events: tuple[Ev, ...] = ()
    grades: dict[str, str] = field(default_factory=dict)  # span key -> "C" (reliability), "3" (credibility)


def media(key: str, surface: str, **kw: Any) -> S:
    return S(key, "actor", surface, attrs={"kind": "media"}, **kw)


def claim(key: str, surface: str, status: str = "reported", **kw: Any) -> S:
    return S(key, "claim", surface, attrs={"status": status}, **kw)


PLANS: tuple[Plan, ...] = (
    Plan(
        "01-mayadin-meeting-en.txt", "2024-04-08",
        spans=(
            media("A1", "Euphrates Post", after="opposition news site "),
            S("D1", "date", "April 6", value="2024-04-06"),
            claim("C1", "a senior adviser of the Islamic Revolutionary Guard Corps (IRGC) held talks with a "
                        "local militia commander in the eastern countryside of Deir ez-Zor"),
            S("A2", "actor", "Islamic Revolutionary Guard Corps", attrs={"kind": "organisation"}),
            S("P1", "place", "Deir ez-Zor"),
            S("A3", "actor", "a source close to the tribal council", attrs={"kind": "person"}),
            claim("C2", "Hajj Mahdi al-Tamimi, described as the IRGC's coordinator for the Euphrates valley, "
                        "met Faisal al-Hamad, the commander of a tribal militia, at the former agricultural "
                        "school in al-Mayadin on April 5"),
            S("A4", "actor", "Hajj Mahdi al-Tamimi", attrs={"kind": "person"}),
            S("A5", "actor", "Faisal al-Hamad", attrs={"kind": "person"}),
            S("P2", "place", "the former agricultural school in al-Mayadin"),
            S("D2", "date", "April 5", value="2024-04-05"),
            media("A6", "Sada al-Sharqiya"),
            S("D3", "date", "last Friday", value="2024-04-05"),
            claim("C3", "Iranian officers had taken over the school building weeks earlier"),
            S("A7", "actor", "Iranian officers", attrs={"kind": "organisation"}),
            S("P3", "place", "Deir Al-Zour"),
        ),
        relations=(
            ("source", "C1", "A1"), ("actor", "C1", "A2"), ("place", "C1", "P1"),
            ("source", "C2", "A1"), ("source", "C2", "A3"), ("actor", "C2", "A4"), ("actor", "C2", "A5"),
            ("place", "C2", "P2"), ("date", "C2", "D2"),
            ("source", "C3", "A6"), ("actor", "C3", "A7"),
        ),
        bob=Bob(
            drop=("D3",),  # missed span
            replace=(
                S("A2", "actor", "Islamic Revolutionary Guard Corps (IRGC)", attrs={"kind": "organisation"}),
                S("A4", "actor", "Mahdi al-Tamimi", attrs={"kind": "person"}),  # boundary
                claim("C3", "Iranian officers had taken over the school building weeks earlier",
                      status="speculative"),  # claim status
            ),
        ),
    ),
    Plan(
        "02-deir-ez-zor-ar.txt", "2024-04-07",
        spans=(
            media("A1", "عين الفرات"),
            S("D1", "date", "٧ نيسان ٢٠٢٤", value="2024-04-07"),
            claim("C1", "رتلاً عسكرياً تابعاً لقوات الحرس الثوري الإيراني دخل مدينة البوكمال قادماً من "
                        "الأراضي العراقية عبر معبر القائم"),
            S("A2", "actor", "الحرس الثوري الإيراني", attrs={"kind": "organisation"}),
            S("P1", "place", "البوكمال"),
            S("P2", "place", "معبر القائم"),
            S("A3", "actor", "مصدر محلي", attrs={"kind": "person"}),
            claim("C2", "القيادي في الحرس الثوري المعروف بلقب «الحاج عباس» التقى في اليوم نفسه بقائد ميليشيا "
                        "محلية يدعى سامر العبيد في مقر سابق لمديرية الزراعة في مدينة الميادين"),
            S("A4", "actor", "الحاج عباس", attrs={"kind": "person"}),
            S("D2", "date", "اليوم نفسه", value="2024-04-07"),
            S("A5", "actor", "سامر العبيد", attrs={"kind": "person"}),
            S("P3", "place", "مدينة الميادين"),
            S("A6", "actor", "حساب مقرّب من الميليشيات", attrs={"kind": "media"}),
            claim("C3", "وصول أي تعزيزات", status="denied"),
            S("P4", "place", "دير الزور", after="مواد غذائية إلى مدينة "),
            media("A7", "صدى الشرقية"),
            S("D3", "date", "يوم الجمعة الماضي", value="2024-04-05"),
            S("P5", "place", "الميادين", after="المربع الأمني في "),
        ),
        relations=(
            ("source", "C1", "A1"), ("source", "C1", "A3"), ("actor", "C1", "A2"), ("place", "C1", "P1"),
            ("place", "C1", "P2"), ("date", "C1", "D1"),
            ("source", "C2", "A3"), ("actor", "C2", "A4"), ("actor", "C2", "A5"), ("place", "C2", "P3"),
            ("date", "C2", "D2"),
            ("source", "C3", "A6"),
        ),
        bob=Bob(
            drop=("P5",),
            replace=(
                media("A1", "شبكة «عين الفرات»"),  # boundary: includes the noun and quotes
                S("D1", "date", "يوم الأحد ٧ نيسان ٢٠٢٤", value="2024-04-07"),
                S("P3", "place", "الميادين", after="الزراعة في مدينة "),
            ),
        ),
    ),
    Plan(
        "03-raqqa-telegram-mixed.txt", "2024-04-10",
        spans=(
            media("A1", "Raqqa Now 24"),
            S("D1", "date", "10 April 2024", value="2024-04-10"),
            S("A2", "actor", "مصادر محلية", attrs={"kind": "person"}),
            claim("C1", "غارة بطائرة مسيّرة استهدفت سيارة على طريق الرقة – الطبقة فجر اليوم"),
            S("P1", "place", "طريق الرقة – الطبقة"),
            S("D2", "date", "فجر اليوم", value="2024-04-10"),
            claim("C2", "the car belonged to a commander of the \"Raqqa Revolutionaries\" faction and that two "
                        "people were killed"),
            S("A3", "actor", "Raqqa Revolutionaries", attrs={"kind": "armed group"}),
            S("P2", "place", "al-Mansoura", entity="place:geonames:8559276"),
            S("A4", "actor", "Ahmad al-Khalaf", attrs={"kind": "person"}),
            claim("C3", "the strike was carried out by a Turkish drone", status="speculative"),
            S("A8", "actor", "Turkish", after="carried out by a ", attrs={"kind": "state"}, entity="actor:turkey"),
            media("A5", "Sham Watch"),
            claim("C4", "the target was a smuggling vehicle heading to دير الزور"),
            S("P3", "place", "دير الزور"),
            media("A6", "الفرات اليوم"),
            claim("C5", "القتيلين مدنيان من عائلة الحسن"),
            S("A7", "actor", "عائلة الحسن", attrs={"kind": "person"}),
        ),
        relations=(
            ("source", "C1", "A2"), ("place", "C1", "P1"), ("date", "C1", "D2"),
            ("source", "C2", "A1"), ("actor", "C2", "A3"),
            ("source", "C3", "A1"), ("actor", "C3", "A8"),
            ("source", "C4", "A5"), ("place", "C4", "P3"),
            ("source", "C5", "A6"), ("actor", "C5", "A7"),
        ),
        bob=Bob(
            replace=(
                S("A4", "actor", "the channel's correspondent, Ahmad al-Khalaf", attrs={"kind": "person"}),
                claim("C3", "the strike was carried out by a Turkish drone", status="reported"),
            ),
            drop=("A7",),
            drop_relations=(("actor", "C5", "A7"),),
        ),
    ),
    Plan(
        "04-aleppo-airport.html", "2024-04-06",
        spans=(
            S("D1", "date", "yesterday evening", value="2024-04-05"),
            S("P1", "place", "Aleppo", after="in the east of "),
            S("P2", "place", "Nayrab military base"),
            media("A1", "Shahba Monitor", after="who spoke to "),
            media("A2", "Halab al-Yawm"),
            claim("C1", "the strike targeted a warehouse used by the IRGC to store drone parts"),
            S("A3", "actor", "IRGC", attrs={"kind": "organisation"}),
            claim("C2", "an Iranian adviser known as Abu Hussein al-Mousawi was wounded"),
            S("A4", "actor", "Abu Hussein al-Mousawi", attrs={"kind": "person"}),
            S("A5", "actor", "a worker at the airport", attrs={"kind": "person"}),
            media("A6", "the official news agency"),
            S("A7", "actor", "a military source", attrs={"kind": "person"}),
            claim("C3", "air defences had intercepted \"hostile targets\" over the Aleppo countryside"),
            S("P3", "place", "the Aleppo countryside"),
            S("A8", "actor", "Lina Haddad", attrs={"kind": "person"}),
            claim("C4", "security forces closed the Sheikh Najjar junction overnight"),
            S("P4", "place", "Sheikh Najjar junction"),
        ),
        relations=(
            ("source", "C1", "A2"), ("source", "C1", "A5"), ("actor", "C1", "A3"),
            ("source", "C2", "A2"), ("actor", "C2", "A4"),
            ("source", "C3", "A6"), ("source", "C3", "A7"), ("place", "C3", "P3"),
            ("source", "C4", "A8"), ("place", "C4", "P4"),
        ),
        bob=Bob(
            drop=("C4",),
            replace=(
                S("D1", "date", "yesterday", value="2024-04-05"),
                S("P3", "place", "Aleppo countryside"),
            ),
            drop_relations=(("source", "C4", "A8"), ("place", "C4", "P4")),
        ),
    ),
    Plan(
        "05-homs-cp1256.txt", "2024-04-09",
        spans=(
            media("A1", "حمص الآن"),
            claim("C1", "دورية من المخابرات الجوية اعتقلت صباح الثلاثاء 9 نيسان 2024 ستة شبان من حي الخالدية في "
                        "مدينة حمص"),
            S("A2", "actor", "المخابرات الجوية", attrs={"kind": "organisation"}),
            S("D1", "date", "صباح الثلاثاء 9 نيسان 2024", value="2024-04-09"),
            S("P1", "place", "حي الخالدية", entity="place:geonames:169577"),
            S("A3", "actor", "أحد أقارب المعتقلين", attrs={"kind": "person"}),
            media("A4", "أخبار حمص"),
            claim("C2", "الانفجار لم يسفر عن إصابات"),
            S("P2", "place", "البادية"),
            media("A5", "عيون الوسط"),
            claim("C3", "ضابطاً من الحرس الثوري كان يمر بسيارته قرب الحاجز لحظة الانفجار",
                  status="speculative"),
            S("A6", "actor", "الحرس الثوري", attrs={"kind": "organisation"}),
            S("P4", "place", "دير الزور"),
            S("P5", "place", "السخنة"),
        ),
        relations=(
            ("source", "C1", "A1"), ("source", "C1", "A3"), ("actor", "C1", "A2"), ("place", "C1", "P1"),
            ("date", "C1", "D1"),
            ("source", "C2", "A4"),
            ("source", "C3", "A5"), ("actor", "C3", "A6"),
        ),
        bob=Bob(
            drop=("P2",),
            replace=(S("D1", "date", "9 نيسان 2024", value="2024-04-09"),),
            # label difference: bob takes "cells coming from the Badia" as an actor, not a place
            add=(S("A7", "actor", "خلايا قادمة من البادية", attrs={"kind": "armed group"}),),
        ),
    ),
    Plan(
        "06-baghdad-crlf.txt", "2024-04-09",
        spans=(
            S("D1", "date", "yesterday", value="2024-04-08"),
            media("A1", "Tigris Observer", after="news site "),
            claim("C1", "they had sent about 300 fighters across the border towards Dayr az-Zawr on April 5–7",
                  status="denied"),
            S("P1", "place", "Dayr az-Zawr"),
            S("D2", "date", "April 5–7", value="2024-04-05/2024-04-07"),
            S("A2", "actor", "two officials of the Popular Mobilisation Forces", attrs={"kind": "person"}),
            S("A3", "actor", "Popular Mobilisation Forces", attrs={"kind": "armed group"}),
            claim("C2", "the fighters crossed at al-Qaim in civilian buses and were received by IRGC officers in "
                        "Abu Kamal", status="denied"),
            S("P2", "place", "al-Qaim"),
            S("A4", "actor", "IRGC officers", attrs={"kind": "organisation"}),
            S("P3", "place", "Abu Kamal"),
            S("A5", "actor", "Abu Karrar al-Saadi", attrs={"kind": "person"}),
            claim("C3", "the buses carried pilgrims returning from Sayyida Zaynab"),
            S("P4", "place", "Sayyida Zaynab"),
            S("A6", "actor", "Iraqi Joint Operations Command", attrs={"kind": "organisation"}),
            S("P5", "place", "Deir Al-Zour"),
        ),
        relations=(
            ("source", "C1", "A1"), ("source", "C1", "A2"), ("actor", "C1", "A3"), ("place", "C1", "P1"),
            ("date", "C1", "D2"),
            ("source", "C2", "A2"), ("place", "C2", "P2"), ("actor", "C2", "A4"), ("place", "C2", "P3"),
            ("source", "C3", "A5"), ("place", "C3", "P4"),
        ),
        bob=Bob(
            replace=(
                claim("C1", "they had sent about 300 fighters across the border towards Dayr az-Zawr on "
                            "April 5–7", status="reported"),  # claim status
                S("A4", "actor", "IRGC", attrs={"kind": "organisation"}),  # boundary
                S("P4", "actor", "Sayyida Zaynab", attrs={"kind": "person"}),  # label: shrine or saint?
            ),
            drop_relations=(("place", "C3", "P4"),),
            add_relations=(("actor", "C3", "P4"),),
        ),
    ),
    Plan(
        "07-beirut-brief.md", "2024-04-04",
        spans=(
            media("A1", "Sawt al-Dahiya"),
            S("A2", "actor", "a security source", attrs={"kind": "person"}),
            claim("C1", "an IRGC envoy, Hajj Reza Karimi, met the liaison officer Wissam Khalil in the Haret "
                        "Hreik area of Beirut on the evening of 2 April"),
            S("A3", "actor", "Hajj Reza Karimi", attrs={"kind": "person"}),
            S("A4", "actor", "Wissam Khalil", attrs={"kind": "person"}),
            S("P1", "place", "Haret Hreik"),
            S("P2", "place", "Beirut", after="area of "),
            S("D1", "date", "the evening of 2 April", value="2024-04-02"),
            claim("C2", "the meeting prepared the transfer of \"technical experts\" from Beirut to Deir ez-Zor"),
            S("P3", "place", "Deir ez-Zor"),
            media("A5", "Levant Lens"),
            claim("C3", "dates the meeting to 1 April and places it in Bir Hassan"),
            S("D2", "date", "1 April", value="2024-04-01"),
            S("P4", "place", "Bir Hassan"),
            S("A6", "actor", "A media official close to the group", attrs={"kind": "person"}),
            claim("C4", "no Iranian delegation visited Beirut this week", status="denied"),
        ),
        relations=(
            ("source", "C1", "A1"), ("source", "C1", "A2"), ("actor", "C1", "A3"), ("actor", "C1", "A4"),
            ("place", "C1", "P1"), ("date", "C1", "D1"),
            ("source", "C2", "A1"), ("place", "C2", "P3"),
            ("source", "C3", "A5"), ("date", "C3", "D2"), ("place", "C3", "P4"),
            ("source", "C4", "A6"),
        ),
        bob=Bob(
            drop=("A6",),
            replace=(S("D1", "date", "2 April", value="2024-04-02"),),
            drop_relations=(("source", "C4", "A6"),),
        ),
    ),
)


EVENTS: dict[str, tuple[Ev, ...]] = {
    "01-mayadin-meeting-en.txt": (
        Ev("E1", "meeting", ("C2",), {"actor1": ("A4",), "actor2": ("A5",), "place": ("P2",), "date": ("D2",)}),
        Ev("E2", "headquarters_or_base_established", ("C3",), {"actor1": ("A7",)}, qualifiers=("historical",)),
    ),
    "02-deir-ez-zor-ar.txt": (
        Ev("E1", "troop_movement", ("C1",), {"actor1": ("A2",), "place": ("P1",), "date": ("D1",)},
           incident="I-abu-kamal-convoy"),
        Ev("E2", "meeting", ("C2",), {"actor1": ("A4",), "actor2": ("A5",), "place": ("P3",), "date": ("D2",)}),
    ),
    "03-raqqa-telegram-mixed.txt": (
        Ev("E1", "air_drone_strike", ("C1",), {"place": ("P2",), "date": ("D2",)},
           attrs={"acled.geo_precision": "2", "ucdp-ged.where_prec": "2"}, incident="I-raqqa-drone-strike"),
        Ev("E2", "air_drone_strike", ("C2",), {"actor2": ("A3",)}, counts={"fatalities": 2},
           attrs={"acled.inter2": "2", "plover.mode": ["drone"]}, incident="I-raqqa-drone-strike"),
        Ev("E3", "air_drone_strike", ("C3",), {"actor1": ("A8",)}, incident="I-raqqa-drone-strike"),
        Ev("E4", "attack", ("C5",), {"actor2": ("A7",)}, counts={"fatalities": 2}, incident="I-raqqa-drone-strike"),
    ),
    "04-aleppo-airport.html": (
        Ev("E1", "air_drone_strike", ("C1",), {"actor2": ("A3",), "place": ("P1",), "date": ("D1",)},
           incident="I-aleppo-airport-strike"),
        Ev("E2", "air_drone_strike", ("C2",), {"actor2": ("A4",)}, counts={"injured": 1},
           incident="I-aleppo-airport-strike"),
        Ev("E3", "air_drone_strike", ("C3",), {"place": ("P3",)}, counts={"fatalities": 0, "injured": 0},
           incident="I-aleppo-airport-strike"),
    ),
    "05-homs-cp1256.txt": (
        Ev("E1", "arrests", ("C1",), {"actor1": ("A2",), "place": ("P1",), "date": ("D1",)}, counts={"arrested": 6},
           attrs={"acled.source_scale": "Subnational", "plover.context": ["repression"]}),
        Ev("E2", "remote_explosive_landmine_ied", ("C2",), {}, counts={"injured": 0},
           incident="I-homs-checkpoint-blast"),
        Ev("E3", "remote_explosive_landmine_ied", ("C3",), {"actor2": ("A6",)}, counts={"injured": 1},
           incident="I-homs-checkpoint-blast"),
    ),
    "06-baghdad-crlf.txt": (
        Ev("E1", "troop_movement", ("C1",), {"actor1": ("A3",), "place": ("P1",), "date": ("D2",)},
           counts={}, attrs={"plover.context": ["military"]}, incident="I-abu-kamal-convoy"),
    ),
    "07-beirut-brief.md": (
        Ev("E1", "meeting", ("C1",), {"actor1": ("A3",), "actor2": ("A4",), "place": ("P2",), "date": ("D1",)},
           incident="I-beirut-meeting"),
        Ev("E2", "meeting", ("C3",), {"place": ("P4",), "date": ("D2",)}, incident="I-beirut-meeting"),
        Ev("E3", "meeting", ("C4",), {"place": ("P2",)}, qualifiers=("negated",)),
    ),
}
GRADES: dict[str, dict[str, str]] = {
    "01-mayadin-meeting-en.txt": {"A1": "C", "A6": "E", "C1": "3", "C2": "3", "C3": "6"},
    "02-deir-ez-zor-ar.txt": {"A1": "B", "A3": "F", "A6": "E", "C1": "2", "C2": "3", "C3": "4"},
    "03-raqqa-telegram-mixed.txt": {"A1": "C", "A2": "F", "A5": "E", "A6": "D", "C1": "3", "C2": "3", "C3": "4",
                                    "C4": "5", "C5": "3"},
    "04-aleppo-airport.html": {"A2": "D", "A6": "C", "A8": "B", "C1": "4", "C2": "4", "C3": "3", "C4": "2"},
    "05-homs-cp1256.txt": {"A1": "C", "A4": "D", "A5": "E", "C1": "2", "C2": "3", "C3": "5"},
    "06-baghdad-crlf.txt": {"A1": "C", "A5": "D", "C1": "4", "C2": "4", "C3": "3"},
    "07-beirut-brief.md": {"A1": "D", "A5": "D", "C1": "4", "C2": "4", "C3": "4", "C4": "3"},
}
BOB_EVENTS: dict[str, Bob] = {  # bob's events and grades where they differ from alice's
    "01-mayadin-meeting-en.txt": Bob(drop_events=("E2",), grades={"C2": "2"}),
    "03-raqqa-telegram-mixed.txt": Bob(replace_events=(
        Ev("E2", "air_drone_strike", ("C2",), {"actor2": ("A3",)}, counts={"fatalities": 3},
           attrs={"acled.inter2": "2"}, incident="I-raqqa-drone-strike"),), grades={"A1": "B"}),
    "04-aleppo-airport.html": Bob(replace_events=(
        Ev("E1", "shelling_artillery_missile_attack", ("C1",), {"actor2": ("A3",), "place": ("P1",), "date": ("D1",)},
           incident="I-aleppo-airport-strike"),)),
    "06-baghdad-crlf.txt": Bob(grades={"C1": "3"}),
}


def with_grades(spec: S, grades: dict[str, str]) -> S:
    grade = grades.get(spec.key)
    if not grade:
        return spec
    attrs = dict(spec.attrs)
    for ch in grade:
        attrs["reliability" if ch.isalpha() else "credibility"] = ch
    return replace(spec, attrs=attrs)


def locate(text: str, spec: S) -> tuple[int, int]:
    """Code-point offsets of ``spec`` in ``text``; fails loudly if the surface is not there."""
    pos = text.index(spec.after) + len(spec.after) if spec.after else 0
    start = -1
    for _ in range(spec.nth):
        start = text.index(spec.surface, pos)
        pos = start + 1
    return start, start + len(spec.surface)


def bob_plan(plan: Plan) -> tuple[tuple[S, ...], tuple[tuple[str, str, str], ...]]:
    replaced = {s.key: s for s in plan.bob.replace}
    spans = tuple(replaced.get(s.key, s) for s in plan.spans if s.key not in plan.bob.drop) + plan.bob.add
    keys = {s.key for s in spans}
    relations = tuple(r for r in plan.relations
                      if r not in plan.bob.drop_relations and r[1] in keys and r[2] in keys)
    return spans, relations + plan.bob.add_relations


def bob_events(plan: Plan, keys: set[str]) -> tuple[tuple[Ev, ...], dict[str, str]]:
    """Bob's events (alice's, less those he missed, with his replacements; roles naming spans he did
    not mark are left empty) and his grades."""
    changes = BOB_EVENTS.get(plan.file, Bob())
    replaced = {e.key: e for e in changes.replace_events}
    events = []
    for ev in EVENTS.get(plan.file, ()):
        if ev.key in changes.drop_events:
            continue
        ev = replaced.get(ev.key, ev)
        roles = {r: tuple(k for k in ks if k in keys) for r, ks in ev.roles.items()}
        events.append(replace(ev, roles={r: ks for r, ks in roles.items() if ks}))
    return tuple(events), {**GRADES.get(plan.file, {}), **changes.grades}


def event_record(ev: Ev, ids: dict[str, str]) -> dict[str, Any]:
    claims = tuple(ids[k] for k in ev.claims)
    event = Event(ev.key, ev.type, {r: tuple(ids[k] for k in ks) for r, ks in ev.roles.items()}, claims,
                  claims[0] if claims else None, {k: Estimate.of(v) for k, v in ev.counts.items()},
                  ev.qualifiers, dict(ev.attrs), ev.incident).normalised()
    return event_to_dict(event)


def document_line(plan: Plan, annotator: str, text: str, meta: dict[str, Any]) -> dict[str, Any]:
    specs, relations = (plan.spans, plan.relations) if annotator == "alice" else bob_plan(plan)
    events, grades = ((EVENTS.get(plan.file, ()), GRADES.get(plan.file, {})) if annotator == "alice"
                      else bob_events(plan, {s.key for s in specs}))
    specs = tuple(with_grades(s, grades) for s in specs)
    located = sorted(((locate(text, s), s) for s in specs), key=lambda x: (x[0][0], -x[0][1], x[1].key))
    ids = {s.key: f"T{i}" for i, (_, s) in enumerate(located, 1)}
    spans = []
    for (start, end), s in located:
        item = {"id": ids[s.key], "start": start, "end": end, "label": s.label, "text": text[start:end],
                "attrs": dict(s.attrs), "value": s.value, "entity": s.entity}
        if s.entity:
            item["resolution"] = "confirmed"
        spans.append(item)
    rels = [{"id": f"R{i}", "head": ids[head], "tail": ids[tail], "label": label}
            for i, (label, head, tail) in enumerate(relations, 1)]
    line: dict[str, Any] = {"id": report_id(text), "text": text, "meta": meta, "annotator": annotator,
                            "spans": spans, "relations": rels}
    if events:
        line["events"] = [event_record(e, ids) for e in events]
        named = sorted({e.incident for e in events if e.incident})
        if named:
            line["incidents"] = [INCIDENTS[i].to_dict() for i in named]
    return line


def build_lines(samples: Path = SAMPLES) -> list[str]:
    """The JSONL lines, one per (sample, annotator), from the texts the readers produce."""
    lines: list[str] = []
    for plan in PLANS:
        result = read_report_file(samples / plan.file)
        meta = {"title": result.title, "source": result.source,
                "published": result.published or plan.published, "url": result.url,
                "language": result.language, "direction": text_direction(result.text),
                "file": plan.file}
        for annotator in ("alice", "bob"):
            line = document_line(plan, annotator, result.text, meta)
            lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
    return lines


def render(samples: Path = SAMPLES) -> bytes:
    return ("\n".join(build_lines(samples)) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    content = render()
    if "--check" in argv:
        if OUTPUT.read_bytes() != content:
            print(f"{OUTPUT} is out of date: run scripts/make_sample_annotations.py", file=sys.stderr)
            return 1
        return 0
    tmp = OUTPUT.with_suffix(".jsonl.tmp")
    tmp.write_bytes(content)
    tmp.replace(OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(PLANS) * 2} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
