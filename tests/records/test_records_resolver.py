import pytest
from annotator.records.entities import Alias, Entity
from annotator.records.resolver import Resolver

DEIR = "place:geonames:170794"


@pytest.mark.parametrize("mention", ["Deir Al-Zour", "Deir ez-Zor", "Dayr az-Zawr", "دير الزور",
                                     "Deir Al-Zour's", "Deir al-Zur"])
def test_deir_ez_zor_variants_resolve_to_one_place(resolver, mention):
    result = resolver.resolve(mention, kind="place")
    assert result.automatic and result.entity_id == DEIR
    entity = resolver.get(DEIR)
    assert entity.lat == pytest.approx(35.336, abs=0.01) and entity.lon == pytest.approx(40.141, abs=0.01)


@pytest.mark.parametrize("mention", ["IRGC", "Islamic Revolutionary Guard Corps",
                                     "Islamic Revolutionary Guards Corps", "الحرس الثوري"])
def test_irgc_variants_resolve_to_one_actor(resolver, mention):
    result = resolver.resolve(mention, kind="actor")
    assert result.automatic and result.entity_id == "actor:irgc"


@pytest.mark.parametrize("mention, kind, expected", [
    ("Khmeimim Air Base", "place", "place:site:khmeimim-air-base"),
    ("Deir Al-Zour military airfield", "place", "place:site:deir-ez-zor-airport"),
    ("Deir Al-Zour Governorate", "place", "place:admin1:sy.07"),
    ("حقل العمر", "place", "place:site:al-omar-oil-field"),
    ("معدان", "place", "place:geonames:167538"),
    ("Damascus", "place", "place:geonames:170654"),
    ("deirezzor24", "actor", "actor:deirezzor24"),
    ("Syria's Air Force Intelligence Directorate", "actor", "actor:afid"),
    ("Kata'eb Ja'far Al-Tayyar", "actor", "actor:kataeb-jafar-al-tayyar"),
    ("Islamic State (ISIS)", "actor", "actor:isis"),
    ("داعش", "actor", "actor:isis"),
    ("قسد", "actor", "actor:sdf"),
    ("حزب الله", "actor", "actor:hezbollah"),
    ("Hezbolah", "actor", "actor:hezbollah"),
    ("الحشد الشعبي", "actor", "actor:pmf"),
    ("Ansar Allah", "actor", "actor:houthis"),
    ("SOHR", "actor", "actor:sohr"),
    ("المرصد السوري لحقوق الإنسان", "actor", "actor:sohr"),
])
def test_starter_registry_examples(resolver, mention, kind, expected):
    result = resolver.resolve(mention, kind=kind)
    assert result.automatic, result
    assert result.entity_id == expected


def test_kind_filter_and_candidates(resolver):
    as_actor = resolver.resolve("Syria", kind="actor")
    as_place = resolver.resolve("Syria", kind="place")
    assert as_actor.entity_id == "actor:syria" and as_place.entity_id == "place:country:sy"
    vague = resolver.resolve("Russian generals", kind="actor")
    assert not vague.automatic and vague.entity_id is None and vague.candidates
    assert all(c.score <= 100 for c in vague.candidates)


def test_ambiguous_exact_names_are_not_automatic():
    ents = [Entity("place:a", "place", "Al Karamah", "city"), Entity("place:b", "place", "Al-Karamah", "city"),
            Entity("place:c", "place", "Al Karama", "city")]
    resolver = Resolver(ents)
    result = resolver.resolve("Karamah", kind="place")
    assert not result.automatic and result.entity_id is None
    assert [c.entity_id for c in result.candidates[:2]] == ["place:a", "place:b"]
    assert {c.entity_id for c in result.candidates} == {"place:a", "place:b", "place:c"}
    # an exact normalised alias beats a mere transliteration variant
    assert resolver.resolve("al-Karama", kind="place").entity_id == "place:c"


def test_city_beats_region_of_the_same_name():
    ents = [Entity("place:r", "place", "Hama", "region", (Alias("Hama Governorate"),)),
            Entity("place:c", "place", "Hama", "city", parent="place:r")]
    result = Resolver(ents).resolve("Hama", kind="place")
    assert result.automatic and result.entity_id == "place:c"


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        Resolver([Entity("x", "actor", "A"), Entity("x", "actor", "B")])


def test_same_name_in_two_countries_asks_the_annotator(resolver):
    # Ma'dan (Raqqa, Syria) and Al Madān (Yemen) share the normalised key "madan"
    result = resolver.resolve("Ma'dan", kind="place")
    assert not result.automatic
    assert "place:geonames:167538" in [c.entity_id for c in result.candidates[:2]]
