"""Scoring extraction and resolution against CoNLL-2003 and AIDA gold (pure; no spaCy).

NER (`score_ner`): conlleval's exact-span scores. A predicted chunk is correct when a gold
chunk has the same type, first token and last token; chunks never cross a sentence. Precision
= correct / predicted, recall = correct / gold, F1 their harmonic mean, per type (PER, ORG,
LOC, MISC) and over all types (micro).

Resolution (`score_resolution`): pairwise same-entity scores within each document. The mentions
scored are the gold PER and ORG chunks whose first token AIDA links to an entity (not
``--NME--``). Two such mentions in one document form a gold pair when AIDA links them to one
entity; a predicted pair when the prediction gives both the same entity name (``-`` pairs with
nothing). A gold mention is *found* when the prediction has a chunk on exactly its tokens
(any type). Counts add up over documents (micro).

- found-pairs: only pairs of found mentions, gold and predicted: how well Broadsheet groups
  the mentions it found;
- end-to-end: every gold pair counts, a pair with a mention not found is a miss: what a
  reader of the archive gets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from broadsheet.conll import (
    NO_ENTITY,
    TYPES,
    AidaDocument,
    ConllDocument,
    Span,
    spans_from_tags,
)

RESOLUTION_TYPES: frozenset[str] = frozenset({"PER", "ORG"})


@dataclass(frozen=True)
class Score:
    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.correct + other.correct,
            self.predicted + other.predicted,
            self.gold + other.gold,
        )


class AlignmentError(ValueError):
    """Gold and predictions do not hold the same documents and tokens."""


def check_aligned(gold: Sequence[ConllDocument], pred: Sequence[ConllDocument]) -> None:
    if len(gold) != len(pred):
        raise AlignmentError(f"{len(gold)} gold documents but {len(pred)} predicted")
    for d, (g, p) in enumerate(zip(gold, pred, strict=True)):
        gw, pw = g.words, p.words
        if len(gw) != len(pw):
            raise AlignmentError(f"document {d + 1}: {len(gw)} gold tokens but {len(pw)} predicted")
        for i, (a, b) in enumerate(zip(gw, pw, strict=True)):
            if a != b:
                raise AlignmentError(f"document {d + 1}, token {i}: gold {a!r}, predicted {b!r}")


def document_spans(tags: Sequence[Sequence[str]]) -> list[Span]:
    """Chunks of a document's sentences, token indices counting from the document's start."""
    spans: list[Span] = []
    offset = 0
    for sentence in tags:
        spans.extend(
            Span(s.label, s.start + offset, s.end + offset) for s in spans_from_tags(sentence)
        )
        offset += len(sentence)
    return spans


def score_ner(gold: Sequence[ConllDocument], pred: Sequence[ConllDocument]) -> dict[str, Score]:
    """Exact-span scores per type in TYPES (and any other type seen), and "overall"."""
    check_aligned(gold, pred)
    correct: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(document_spans(g.tags)), set(document_spans(p.tags))
        n_gold.update(s.label for s in gs)
        n_pred.update(s.label for s in ps)
        correct.update(s.label for s in gs & ps)
    labels = list(TYPES) + sorted((set(n_gold) | set(n_pred)) - set(TYPES))
    scores = {t: Score(correct[t], n_pred[t], n_gold[t]) for t in labels}
    scores["overall"] = Score(correct.total(), n_pred.total(), n_gold.total())
    return scores


@dataclass(frozen=True)
class ResolutionScore:
    found_pairs: Score
    end_to_end: Score
    mentions: int  #: gold mentions scored
    found: int  #: of which the prediction has a chunk on exactly their tokens


def _pairs(mentions: Sequence[tuple[int, str]]) -> set[tuple[int, int]]:
    """Pairs (by first token) of mentions with one entity; NO_ENTITY and "" pair with none."""
    return {
        (a, b)
        for (a, ea), (b, eb) in combinations(sorted(mentions), 2)
        if ea == eb and ea not in ("", NO_ENTITY)
    }


def score_resolution(
    gold: Sequence[ConllDocument],
    aida: Sequence[AidaDocument],
    pred: Sequence[ConllDocument],
) -> ResolutionScore:
    """Pairwise same-entity scores over the AIDA-linked gold PER and ORG mentions."""
    check_aligned(gold, pred)
    if len(aida) != len(gold):
        raise AlignmentError(f"{len(gold)} CoNLL documents but {len(aida)} AIDA documents")
    found_pairs = Score(0, 0, 0)
    end_to_end = Score(0, 0, 0)
    n_mentions = n_found = 0
    for g, a, p in zip(gold, aida, pred, strict=True):
        predicted = {(s.start, s.end) for s in document_spans(p.tags)}
        entities = p.flat_entities
        linked: list[tuple[int, str]] = []  # (first token, gold entity)
        found: list[tuple[int, str]] = []  # (first token, predicted entity) of found mentions
        for span in document_spans(g.tags):
            entity = a.links.get(span.start, "")
            if span.label not in RESOLUTION_TYPES or not entity:
                continue
            linked.append((span.start, entity))
            if (span.start, span.end) in predicted:
                found.append((span.start, entities[span.start]))
        found_starts = {start for start, _ in found}
        gold_pairs = _pairs(linked)
        gold_found_pairs = {pair for pair in gold_pairs if set(pair) <= found_starts}
        pred_pairs = _pairs(found)
        hits = len(pred_pairs & gold_pairs)
        found_pairs += Score(hits, len(pred_pairs), len(gold_found_pairs))
        end_to_end += Score(hits, len(pred_pairs), len(gold_pairs))
        n_mentions += len(linked)
        n_found += len(found)
    return ResolutionScore(found_pairs, end_to_end, n_mentions, n_found)


# --- printing -----------------------------------------------------------------------------


def _row(name: str, score: Score) -> str:
    return (
        f"{name:<10} {100 * score.precision:>6.2f} {100 * score.recall:>6.2f} "
        f"{100 * score.f1:>6.2f} {score.gold:>6} {score.predicted:>6} {score.correct:>6}"
    )


def format_ner(scores: dict[str, Score]) -> str:
    header = f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'ok':>6}"
    return "\n".join([header, *(_row(name, score) for name, score in scores.items())])


def format_resolution(score: ResolutionScore) -> str:
    header = f"{'pairs':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'ok':>6}"
    return "\n".join(
        [
            header,
            _row("found", score.found_pairs),
            _row("end-to-end", score.end_to_end),
            f"mentions: {score.mentions} AIDA-linked gold PER/ORG, {score.found} found "
            f"({100 * score.found / score.mentions if score.mentions else 0:.1f}%)",
        ]
    )


# --- document-level entity sets (the modern-prose regression set) -------------------------

SET_KINDS: tuple[str, ...] = ("people", "organizations", "places")


@dataclass(frozen=True)
class GoldSets:
    """One article's hand-labelled entities: per kind, each entity's acceptable names."""

    entities: dict[str, tuple[tuple[str, ...], ...]]  #: kind plural → entities → names
    optional: frozenset[str]  #: name keys that count neither way


def gold_sets(entry: dict) -> GoldSets:
    """A GoldSets from one `articles` entry of tests/data/modern/gold.yaml."""
    from broadsheet.extract.names import name_key

    entities = {
        kind: tuple(
            (item,) if isinstance(item, str) else tuple(item) for item in entry.get(kind) or ()
        )
        for kind in SET_KINDS
    }
    return GoldSets(entities, frozenset(name_key(n) for n in entry.get("optional") or ()))


def score_sets(predicted: dict[str, set[str]], gold: GoldSets) -> dict[str, Score]:
    """Per kind: a gold entity is found when any of its names is predicted with that kind
    (names compared by name_key); a predicted name that is no gold entity's of that kind and
    not optional is a false positive. Two predicted names of one gold entity count once."""
    from broadsheet.extract.names import name_key

    scores = {}
    for kind in SET_KINDS:
        wanted = [{name_key(n) for n in names} for names in gold.entities[kind]]
        keys = {name_key(n) for n in predicted.get(kind, ())}
        found = sum(1 for names in wanted if names & keys)
        known = set().union(*wanted) if wanted else set()
        spurious = {k for k in keys if k not in known and k not in gold.optional}
        scores[kind] = Score(found, found + len(spurious), len(wanted))
    return scores
