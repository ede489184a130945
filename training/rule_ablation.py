"""Each rule's effect on the CoNLL-2003 dev set: the model runs once, the rules many times.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python training/rule_ablation.py [CONLL] [AIDA]

Prints one row per configuration: the model alone, Broadsheet with every rule, and
Broadsheet without each rule in turn (NER F1 per type and overall, resolution pair F1).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from broadsheet.config import Config
from broadsheet.conll import ConllDocument, read_aida, read_conll, select_aida, unflatten
from broadsheet.evaluate import score_ner, score_resolution
from broadsheet.extract import load_pipeline
from broadsheet.extract.rules import RULE_NAMES
from broadsheet.extract.tokens import process_token_documents, tag_processed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main() -> None:
    conll = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS / "conll2003" / "valid.txt"
    aida_path = (
        Path(sys.argv[2]) if len(sys.argv) > 2 else CORPUS / "aida" / "aida-yago2-train-dev.tsv"
    )
    model = sys.argv[3] if len(sys.argv) > 3 else Config().spacy_model
    gold = read_conll(conll)
    aida = select_aida(read_aida(aida_path), len(gold))
    nlp = load_pipeline(model)
    started = time.perf_counter()
    processed = process_token_documents([d.sentences for d in gold], nlp)
    print(f"# model pass: {time.perf_counter() - started:.1f}s ({model})")
    configs: list[tuple[str, bool, frozenset[str]]] = [
        ("model alone (--raw)", True, frozenset()),
        ("all rules", False, frozenset()),
        *((f"without {name}", False, frozenset({name})) for name in RULE_NAMES),
        ("no rules (resolution only)", False, frozenset(RULE_NAMES)),
    ]
    print(f"| {'configuration':<28} | PER | ORG | LOC | MISC | overall | pairs found | pairs e2e |")
    print("|---|---|---|---|---|---|---|---|")
    for label, raw, skip in configs:
        pred = []
        for g, (doc, index) in zip(gold, processed, strict=True):
            tags, ents = tag_processed(doc, index, raw=raw, skip=skip)
            pred.append(
                ConllDocument(
                    g.sentences,
                    unflatten(tags, g.sentences),
                    unflatten(ents, g.sentences),
                    g.docstart,
                )
            )
        ner = score_ner(gold, pred)
        res = score_resolution(gold, aida, pred)
        cells = " | ".join(f"{100 * ner[t].f1:.2f}" for t in ("PER", "ORG", "LOC", "MISC"))
        print(
            f"| {label:<28} | {cells} | {100 * ner['overall'].f1:.2f} | "
            f"{100 * res.found_pairs.f1:.2f} | {100 * res.end_to_end.f1:.2f} |"
        )


if __name__ == "__main__":
    main()
