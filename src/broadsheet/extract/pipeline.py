"""The statistical model: loading only what extraction needs, running it, fingerprinting it.

spaCy is imported inside the functions, so `broadsheet.extract.names` and `.rules` (used by
resolution and by tests) never pay for importing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from broadsheet.extract.rules import KIND_BY_LABEL, RULES_VERSION, RawSpan, mentions_from_spans
from broadsheet.model import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Components extraction never reads. In the small English pipelines "ner" and the (disabled by
#: default) "senter" each carry their own tok2vec, so the parser, tagger, lemmatizer and their
#: shared "tok2vec" are dead weight: excluding them halves the time per article, and the entities
#: come out identical (checked on the seed article).
UNNEEDED_COMPONENTS: tuple[str, ...] = (
    "tagger",
    "morphologizer",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "spancat",
)

INSTALL_HINT = (
    "install it with `make install`, or "
    "`pip install --no-deps --require-hashes -r requirements/model.txt`"
)


def load_pipeline(model_name: str) -> Language:
    """spaCy pipeline for extraction: the NER and a cheap sentence splitter, nothing else.

    The trained "senter" is enabled when the model has one (the paragraph is a hard boundary
    on top of it, see rules.fit_sentence); otherwise the rule-based "sentencizer" is added.
    """
    import spacy

    try:
        nlp = spacy.load(model_name, exclude=list(UNNEEDED_COMPONENTS))
    except OSError as exc:  # spaCy's E050/E053: no such package or path
        raise RuntimeError(f"spaCy model {model_name!r} is not installed: {INSTALL_HINT}") from exc
    if "ner" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {model_name!r} has no 'ner' component")
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    elif "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    # A shared tok2vec that no remaining component listens to would still run on every text.
    if "tok2vec" in nlp.pipe_names and not getattr(
        nlp.get_pipe("tok2vec"), "listening_components", ()
    ):
        nlp.remove_pipe("tok2vec")
    return nlp


def raw_spans(doc: Doc) -> tuple[RawSpan, ...]:
    """The entities of a processed doc that the rules look at, with their sentences."""
    sentenced = doc.has_annotation("SENT_START")
    spans = []
    for ent in doc.ents:
        if ent.label_ not in KIND_BY_LABEL:
            continue
        sent = ent.sent if sentenced else doc[:]
        spans.append(
            RawSpan(ent.start_char, ent.end_char, ent.label_, sent.start_char, sent.end_char)
        )
    return tuple(spans)


def extract_mentions(
    texts: Sequence[str], nlp: Language, *, batch_size: int = 32
) -> list[tuple[Mention, ...]]:
    """Mentions for each text, in order: one model pass per text (batched), then the rules."""
    docs: Iterator[Doc] = nlp.pipe(texts, batch_size=batch_size)
    return [
        mentions_from_spans(text, raw_spans(doc)) for text, doc in zip(texts, docs, strict=True)
    ]


def _fingerprint(model: str, model_version: str) -> str:
    return (
        f"model={model}=={model_version};spacy=={metadata.version('spacy')};"
        f"nameparser=={metadata.version('nameparser')};rules={RULES_VERSION}"
    )


def pipeline_fingerprint(nlp: Language) -> str:
    """Identifies model, spaCy, nameparser (its title list) and rules, for caches.

    Equal to model_fingerprint of the same installed model, so a cache keyed before loading
    the model still matches after.
    """
    meta = nlp.meta
    return _fingerprint(f"{meta['lang']}_{meta['name']}", str(meta["version"]))


def model_fingerprint(model_name: str) -> str:
    """The fingerprint of an installed model (package name or path) without loading it."""
    path = Path(model_name)
    if (path / "meta.json").is_file():
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return _fingerprint(f"{meta['lang']}_{meta['name']}", str(meta["version"]))
    try:
        version = metadata.version(model_name)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(f"spaCy model {model_name!r} is not installed: {INSTALL_HINT}") from exc
    return _fingerprint(model_name, version)
