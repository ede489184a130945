"""Named-entity extraction for one article body: the statistical model plus editors' rules.

`load_pipeline` → `extract_mentions(texts, nlp)` → one tuple of `Mention`s per text. The rules
(`rules`) and name helpers (`names`) are pure and never import spaCy.
"""

from broadsheet.extract.names import clean_name, is_short_form, name_key, strip_title
from broadsheet.extract.pipeline import (
    extract_mentions,
    load_pipeline,
    model_fingerprint,
    pipeline_fingerprint,
)
from broadsheet.extract.rules import RULES_VERSION, RawSpan, mentions_from_spans

__all__ = [
    "RULES_VERSION",
    "RawSpan",
    "clean_name",
    "extract_mentions",
    "is_short_form",
    "load_pipeline",
    "mentions_from_spans",
    "model_fingerprint",
    "name_key",
    "pipeline_fingerprint",
    "strip_title",
]
