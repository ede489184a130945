"""Pure helpers for comparing and cleaning entity names.

Used by extraction (within one article) and by cross-article resolution, so they must agree on
what "the same name" means. Nothing here imports spaCy.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Sequence

from nameparser.config import CONSTANTS

from broadsheet.model import EntityKind

#: Titles and honorifics that may precede a name. nameparser's list is maintained and broad
#: (≈800 words: "sen"ator, "prime", "minister", "chancellor", "gen", "us", "british", ...); it is
#: lowercased and dot-free. Copied into a frozenset so nothing here can mutate nameparser's
#: process-wide CONSTANTS, then supplemented with abbreviations and newsroom words it lacks.
TITLES: frozenset[str] = frozenset(str(t) for t in CONSTANTS.titles) | frozenset(
    {
        "sen",
        "sens",
        "reps",
        "congressman",
        "congresswoman",
        "assemblyman",
        "assemblywoman",
        "councilman",
        "councilwoman",
        "councilor",
        "chairman",
        "chairwoman",
        "spokesman",
        "spokeswoman",
        "justice",
        "senate",
        "house",
        "majority",
        "minority",
        "former",
        "ex",
        "then",
        "acting",
        "interim",
        "elect",
        "mp",
        "mep",
        "major",
        "marshal",
        "brig",
        "cmdr",
    }
)

#: Titles that stand before a bare surname ("President Trump", "Mr. Ebbers", "Gen. Milley"):
#: courtesy titles, offices, ranks and clergy. When a title run would leave a single token, it
#: is stripped only if it holds one of these, so "Air Deccan" and "Rock Hudson" (nameparser
#: lists "air" and "rock") stay whole. Royal and noble titles and "Pope" are left out on
#: purpose: they stand before a given or regnal name ("Prince Harry", "Pope Francis"), and that
#: name alone would no longer say who is meant.
SURNAME_TITLES: frozenset[str] = frozenset(
    (  # noqa: SIM905 (a word list reads best as one string)
        "mr mrs ms miss mx mister madam madame mme mlle monsieur herr frau dr doctor prof "
        "professor sen senator rep representative congressman congresswoman assemblyman "
        "assemblywoman gov governor president premier chancellor minister secretary ambassador "
        "envoy mayor councillor councilor cllr alderman commissioner judge justice magistrate "
        "sheriff speaker chairman chairwoman chair ceo cfo director detective inspector "
        "constable officer chief coach gen general adm admiral col colonel capt captain maj "
        "major lt lieutenant sgt sergeant cpl corporal cmdr cdr commander marshal brig "
        "brigadier commodore rev reverend father fr rabbi imam cardinal archbishop bishop "
        "pastor sheikh sheik ayatollah mullah"
    ).split()
)

#: Small words allowed inside a run of titles ("Secretary of State Mike Pompeo"), only when a
#: title follows them.
TITLE_JOINERS: frozenset[str] = frozenset({"of", "the", "for", "and", "&"})

#: Generational suffixes ("Jr.", "III"), ignored when matching a surname against a full name.
NAME_SUFFIXES: frozenset[str] = frozenset(str(s) for s in CONSTANTS.suffix_not_acronyms)

#: Words that mark a name as an organization's ("Cato Institute", "Acme Inc."). Lowercase, no dots.
ORG_WORDS: frozenset[str] = frozenset(
    {
        "academy",
        "agency",
        "airlines",
        "airways",
        "alliance",
        "assembly",
        "associates",
        "association",
        "authority",
        "bank",
        "board",
        "brigade",
        "bureau",
        "capital",
        "center",
        "centre",
        "church",
        "club",
        "co",
        "coalition",
        "college",
        "commission",
        "committee",
        "company",
        "congress",
        "corp",
        "corporation",
        "council",
        "court",
        "department",
        "foundation",
        "fund",
        "gmbh",
        "group",
        "holdings",
        "hospital",
        "inc",
        "institute",
        "international",
        "league",
        "llc",
        "llp",
        "ltd",
        "media",
        "ministry",
        "movement",
        "network",
        "news",
        "office",
        "organization",
        "organisation",
        "parliament",
        "partners",
        "party",
        "plc",
        "police",
        "press",
        "school",
        "senate",
        "services",
        "society",
        "systems",
        "team",
        "technologies",
        "times",
        "trust",
        "union",
        "university",
    }
)

#: Leading article trimmed from organization and place names.
_LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)
#: Possessive endings: "Paul's", "Paul’s", "Reynolds'", "Reynolds’".
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
#: Characters that separate words in a key ("Jean-Luc" = "Jean Luc"); other punctuation vanishes
#: ("U.S." = "US", "O'Brien" = "OBrien").
_WORD_SEPARATORS = frozenset("-‐‑‒–—―/_")


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including newlines) to single spaces."""
    return " ".join(text.split())


#: name_key for ASCII names in one C call: separators become spaces, other punctuation and
#: symbols (every ASCII character in Unicode categories P and S) vanish. A bytes table, as
#: bytes.translate is several times faster than str.translate (name_key runs millions of times
#: in a large build).
_ASCII_SEPARATORS = "".join(c for c in string.punctuation if c in _WORD_SEPARATORS).encode()
_ASCII_KEY = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))
_ASCII_DROPPED = "".join(c for c in string.punctuation if c not in _WORD_SEPARATORS).encode()


#: Names whose keys are kept (name_key): an article's entity names are keyed several times
#: as it is parsed (~60 calls an article, ~20 names), and names recur across an archive.
NAME_KEYS_KEPT = 8192


@functools.lru_cache(maxsize=NAME_KEYS_KEPT)
def name_key(name: str) -> str:
    """A case-, accent-, punctuation- and spacing-insensitive key for comparing names."""
    if name.isascii():  # most names; the same key as the general path below, faster
        kept = name.encode("ascii").translate(_ASCII_KEY, _ASCII_DROPPED).decode("ascii")
        # lower() is casefold() for ASCII; split() after decoding, as str.split() also splits
        # at the ASCII control characters \x1c-\x1f, which bytes.split() does not
        key = " ".join(kept.lower().split())
        return key or " ".join(name.casefold().split())
    return unicode_name_key(name)


def unicode_name_key(name: str) -> str:
    """name_key by the Unicode rules, for any name (name_key's path for non-ASCII names)."""
    chars: list[str] = []
    for ch in unicodedata.normalize("NFKD", name):
        category = unicodedata.category(ch)
        if category == "Mn":  # combining accent left by NFKD: "é" → "e"
            continue
        if category[0] in "PS":
            chars.append(" " if ch in _WORD_SEPARATORS else "")
        else:
            chars.append(ch)
    key = " ".join("".join(chars).casefold().split())
    # A "name" of punctuation or symbols only ("—", "!!!") is its own key, not "" shared by all.
    return key or " ".join(name.casefold().split())


def _word(token: str) -> str:
    """A token as looked up in the title lists: lowercased, without trailing dots or commas."""
    return token.rstrip(".,").lower()


def is_title_token(token: str) -> bool:
    """True for "Sen.", "President", "Vice-President", "ex-Gov." and the like."""
    word = _word(token)
    if word in TITLES:
        return True
    parts = [p.rstrip(".") for p in re.split(r"[-‐‑]", word)]
    return len(parts) > 1 and all(p in TITLES for p in parts if p)


def title_token_count(tokens: Sequence[str]) -> int:
    """How many leading tokens are a run of titles, always leaving at least one name token.

    A run may hold joiners ("Secretary of State") when a title follows them. A run that would
    leave a single token is stripped only if it holds a SURNAME_TITLES word ("President Trump",
    "Prime Minister Johnson"), not for "Air Deccan" or "Prince Harry".
    """
    run = 0
    i = 0
    while i < len(tokens) - 1:
        if _word(tokens[i]) in TITLE_JOINERS and run and is_title_token(tokens[i + 1]):
            i += 1
            continue
        if not is_title_token(tokens[i]):
            break
        i += 1
        run = i  # a joiner only counts once the title after it is taken
    if run and len(tokens) - run == 1 and not any(_is_surname_title(t) for t in tokens[:run]):
        return 0
    return run


def _is_surname_title(token: str) -> bool:
    """ "Sen." and "ex-President" both hold a SURNAME_TITLES word."""
    return any(part.rstrip(".") in SURNAME_TITLES for part in re.split(r"[-‐‑]", _word(token)))


def strip_title(name: str) -> str:
    """Drop leading titles: "Sen. Rand Paul" → "Rand Paul", "Prime Minister X Y" → "X Y"."""
    tokens = name.split()
    return " ".join(tokens[title_token_count(tokens) :])


def strip_possessive(name: str) -> str:
    """ "Paul's" → "Paul", "Reynolds'" → "Reynolds"; other names unchanged."""
    return _POSSESSIVE.sub("", name)


def strip_leading_the(name: str) -> str:
    """ "the Cato Institute" → "Cato Institute" (never empties a name)."""
    match = _LEADING_THE.match(name)
    if match and match.end() < len(name):
        return name[match.end() :]
    return name


def clean_name(name: str, kind: EntityKind) -> str:
    """A display name: single spaces, no possessive, no titles (people) or leading "the"."""
    cleaned = strip_possessive(normalize_space(name))
    if kind == EntityKind.PERSON:
        return strip_title(cleaned)
    return strip_leading_the(cleaned)


def person_tokens(name: str) -> list[str]:
    """Keys of a person's name tokens, without titles or a trailing "Jr."/"III".

    Tokens are split on whitespace only, so a hyphenated surname stays one token:
    "Cortez" is not a short form of "Alexandria Ocasio-Cortez".
    """
    words = strip_title(strip_possessive(normalize_space(name))).split()
    tokens = [key for key in map(name_key, words) if key]
    while len(tokens) > 2 and tokens[-1] in NAME_SUFFIXES:
        tokens.pop()
    return tokens


def surname_key(name: str) -> str:
    """Key of a person's last name token ("Martin Luther King Jr." → "king"); "" if none."""
    tokens = person_tokens(name)
    return tokens[-1] if tokens else ""


_ACRONYM_SKIP: frozenset[str] = frozenset({"of", "the", "and", "for", "&", "de", "du", "des"})


def _is_acronym_of(short: str, full: str) -> bool:
    """ "NRA" of "National Rifle Association", "U.N." of "United Nations"."""
    letters = re.sub(r"[.\s]", "", short)
    if not (len(letters) >= 2 and letters.isupper() and letters.isalpha()):
        return False
    words = [w for w in name_key(full).split() if w not in _ACRONYM_SKIP]
    return len(words) == len(letters) and all(
        w[0] == ch for w, ch in zip(words, letters.casefold(), strict=True)
    )


def is_short_form(short: str, full: str, kind: EntityKind) -> bool:
    """True when `short` is how a text refers again to `full`, for an entity of `kind`.

    People: the short form's tokens are the last tokens (the surname) of the full name, which is
    longer: "Paul" of "Rand Paul", "Van Hollen" of "Chris Van Hollen"; not "Paul" of "Paula
    Jones" nor of "Paul Ryan". Organizations: an acronym of the full name ("NRA") or its leading
    words when the rest are organization words ("Cato" of "Cato Institute"). Places: the part
    before a comma ("Washington" of "Washington, D.C."); never a prefix otherwise, since
    "Kansas City" is not "Kansas".
    """
    if kind == EntityKind.PERSON:
        s, f = person_tokens(short), person_tokens(full)
        return 0 < len(s) < len(f) and f[-len(s) :] == s
    if kind == EntityKind.ORGANIZATION:
        short_c, full_c = strip_leading_the(normalize_space(short)), strip_leading_the(full)
        if _is_acronym_of(short_c, full_c):
            return True
        s, f = name_key(short_c).split(), name_key(full_c).split()
        return 0 < len(s) < len(f) and f[: len(s)] == s and all(w in ORG_WORDS for w in f[len(s) :])
    full_c = strip_leading_the(normalize_space(full))
    if "," not in full_c:
        return False
    s = name_key(strip_leading_the(normalize_space(short)))
    return bool(s) and s == name_key(full_c.split(",", 1)[0])


def is_given_name(short: str, full: str) -> bool:
    """ "Alan" of "Alan Shearer", "Saddam" of "Saddam Hussein": the first token of a longer
    person name, alone (an initial such as "J." is no given name)."""
    s, f = person_tokens(short), person_tokens(full)
    return len(s) == 1 and len(f) > 1 and s[0] == f[0] and len(s[0]) > 1


#: A leading compass word makes another name: "East Stirling" is not "Stirling".
_COMPASS: frozenset[str] = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western"}
)


def is_name_part(short: str, full: str) -> bool:
    """ "Cleveland" or "Indians" of "Cleveland Indians", "Agriculture Department" of "U.S.
    Agriculture Department": the leading or trailing words of a longer name, not only
    organization words or joiners ("Department", "of the"); or the name with its last word in
    the singular ("Springbok coach" of the Springboks)."""
    s = name_key(strip_leading_the(normalize_space(short))).split()
    f = name_key(strip_leading_the(normalize_space(full))).split()
    if s and f and f[-1].endswith("s") and s[-1] == f[-1][:-1]:
        f = [*f[:-1], s[-1]]  # the singular of a plural name: "Springbok" of "Springboks"
        if s == f:
            return True
    return (
        0 < len(s) < len(f)
        and (f[: len(s)] == s or (f[-len(s) :] == s and f[0] not in _COMPASS))
        and any(w not in ORG_WORDS and w not in _ACRONYM_SKIP for w in s)
    )


def refers_again(short: str, full: str, kind: EntityKind) -> int:
    """How surely an article that names `full` means it by `short` alone: 3 for an acronym
    that spells the name ("U.N." of "United Nations", beside "U.N. Council"), 2 for another
    short form (is_short_form) or a person's given name, 1 for the leading or trailing words of
    an organization's name (is_name_part), 0 when it does not."""
    if kind == EntityKind.ORGANIZATION and _is_acronym_of(
        strip_leading_the(normalize_space(short)), strip_leading_the(normalize_space(full))
    ):
        return 3
    if is_short_form(short, full, kind) or (
        kind == EntityKind.PERSON and is_given_name(short, full)
    ):
        return 2
    return int(kind == EntityKind.ORGANIZATION and is_name_part(short, full))
