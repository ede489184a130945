"""One name per country: "U.S.", "US", "USA" and "the United States" are all United States.

Country names come from pycountry (ISO 3166): an official name ("United States of America",
"Republic of Moldova"), an ISO name ("Viet Nam", "Korea, Republic of") or a three-letter code
written in capitals ("USA") becomes the country's common name ("United States", "Moldova",
"Vietnam", "South Korea"). News abbreviations pycountry lacks ("U.S.", "UK") are listed here.
A name that is none of these (a city, "Russia", "Britain") is returned unchanged: the rule only
merges spellings, it never renames a place an editor would recognise.
"""

from __future__ import annotations

from functools import cache

from broadsheet.extract.names import name_key, normalize_space, strip_leading_the

#: Abbreviations used by English-language news (name_key, so "U.S." = "US").
NEWS_ALIASES: dict[str, str] = {
    "us": "United States",
    "usa": "United States",
    "uk": "United Kingdom",
    "uae": "United Arab Emirates",
}
#: Two-letter keys that are also English words ("us"): only written in capitals are they places.
_CAPITALS_ONLY: frozenset[str] = frozenset({"us"})


@cache
def _country_names() -> dict[str, str]:
    """name_key of a country's ISO, official and common names → its common name."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None) or country.name
        if "," in common:  # "Congo, The Democratic Republic of the": no usable short name
            continue
        for form in (country.name, getattr(country, "official_name", None), common):
            if form:
                names.setdefault(name_key(strip_leading_the(form)), common)
    return names


@cache
def _country_codes() -> dict[str, str]:
    import pycountry

    return {
        country.alpha_3.lower(): getattr(country, "common_name", None) or country.name
        for country in pycountry.countries
        if "," not in (getattr(country, "common_name", None) or country.name)
    }


def normalize_place(name: str) -> str:
    """The one name of a country however it is written; any other place name unchanged."""
    cleaned = strip_leading_the(normalize_space(name))
    key = name_key(cleaned)
    letters = cleaned.replace(".", "").replace(" ", "")
    capitals = letters.isalpha() and letters.isupper()
    if key in NEWS_ALIASES and (capitals or key not in _CAPITALS_ONLY):
        return NEWS_ALIASES[key]
    if capitals and len(letters) == 3 and key in _country_codes():
        return _country_codes()[key]
    return _country_names().get(key, name)
