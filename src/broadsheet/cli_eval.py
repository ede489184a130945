"""`broadsheet extract` and `broadsheet eval`: extraction on CoNLL tokens, and its scores.

    broadsheet extract --conll FILE [--output OUT] [--model NAME] [--raw] [--skip RULE]...
    broadsheet eval ner GOLD [--predictions PRED] [--model NAME] [--raw] [--skip RULE]...
    broadsheet eval resolution GOLD AIDA [--predictions PRED] [--model NAME] [--raw] ...

`eval` scores a predictions file written by `extract` when given one, else runs the extraction
itself (same options). See docs/extraction.md for the contract and the scores.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from broadsheet.conll import ConllDocument, format_conll, read_aida, read_conll, select_aida
from broadsheet.extract.rules import RULE_NAMES

_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _model_name(model: str | None) -> str:
    if model:
        return model
    from broadsheet.config import Config

    return Config().spacy_model


def _run(gold: list[ConllDocument], model: str | None, raw: bool, skip: tuple[str, ...]):
    from broadsheet.conll import tag_documents
    from broadsheet.extract import load_pipeline

    try:
        nlp = load_pipeline(_model_name(model))
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    return tag_documents(gold, nlp, raw=raw, skip=frozenset(skip))


def extraction_options(func: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--model",
                "-m",
                default=None,
                help="spaCy pipeline (default: the spacy_model default).",
            ),
            click.option(
                "--raw", is_flag=True, help="The model's own spans, without Broadsheet's rules."
            ),
            click.option(
                "--skip",
                multiple=True,
                type=click.Choice(RULE_NAMES),
                help="Leave out one rule (repeatable), to measure it.",
            ),
        ]
    ):
        func = option(func)
    return func


@click.command("extract")
@click.option("--conll", "conll", type=_file, required=True, help="CoNLL-2003 file to tag.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (default: standard output).",
)
@extraction_options
def extract_command(
    conll: Path, output: Path | None, model: str | None, raw: bool, skip: tuple[str, ...]
) -> None:
    """Tag a CoNLL file's tokens with Broadsheet's entities.

    One line per token, `token<TAB>IOB2 tag<TAB>entity`; -DOCSTART- and blank lines kept.
    """
    predicted = _run(read_conll(conll), model, raw, skip)
    text = "\n".join(format_conll(predicted)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


@click.group("eval")
def eval_command() -> None:
    """Score extraction (ner) and resolution against gold files."""


def _predictions(
    gold: list[ConllDocument],
    predictions: Path | None,
    model: str | None,
    raw: bool,
    skip: tuple[str, ...],
) -> list[ConllDocument]:
    if predictions is not None:
        return read_conll(predictions)
    return _run(gold, model, raw, skip)


predictions_option = click.option(
    "--predictions",
    "-p",
    type=_file,
    default=None,
    help="A file written by `broadsheet extract` (default: run the extraction now).",
)


@eval_command.command("ner")
@click.argument("gold", type=_file)
@predictions_option
@extraction_options
def eval_ner(
    gold: Path, predictions: Path | None, model: str | None, raw: bool, skip: tuple[str, ...]
) -> None:
    """Exact-span precision, recall and F1 per type (conlleval's way)."""
    from broadsheet.evaluate import AlignmentError, format_ner, score_ner

    gold_docs = read_conll(gold)
    pred_docs = _predictions(gold_docs, predictions, model, raw, skip)
    try:
        click.echo(format_ner(score_ner(gold_docs, pred_docs)))
    except AlignmentError as exc:
        raise click.ClickException(str(exc)) from exc


@eval_command.command("resolution")
@click.argument("gold", type=_file)
@click.argument("aida", type=_file)
@predictions_option
@extraction_options
def eval_resolution(
    gold: Path,
    aida: Path,
    predictions: Path | None,
    model: str | None,
    raw: bool,
    skip: tuple[str, ...],
) -> None:
    """Pairwise same-entity scores within documents, over AIDA-linked PER and ORG mentions.

    With valid.txt the AIDA dev (testa) documents are used; otherwise the first ones.
    """
    from broadsheet.evaluate import AlignmentError, format_resolution, score_resolution

    gold_docs = read_conll(gold)
    links = select_aida(read_aida(aida), len(gold_docs))
    pred_docs = _predictions(gold_docs, predictions, model, raw, skip)
    try:
        click.echo(format_resolution(score_resolution(gold_docs, links, pred_docs)))
    except AlignmentError as exc:
        raise click.ClickException(str(exc)) from exc
