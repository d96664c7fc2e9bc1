"""Precision of extraction on text nobody annotated, judged by hand.

    python scripts/extract_robustness.py sample [TEXTS] [--n 30] [--judgements TSV] [--template OUT.tsv]

Extracts the first N abstracts of a text-only corpus (SciERC dev by default: no claim gold exists
there) and lists every claim and proposed method for a person to judge. With ``--judgements`` (a
TSV: kind, id, key, verdict 1/0; see training/judgements/) it prints the precision over the judged
items and lists the items nobody judged yet; ``--template`` writes such a TSV with empty verdicts
for the current output. Quality on annotated papers is measured by ``kg eval --cv 5``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")


def _items(records) -> list[tuple[str, str, str, str]]:
    """(kind, id, key, shown) of every proposed method and claim."""
    items = []
    for record in records:
        for name in record.proposed:
            items.append(("proposed", record.paper.id, name, name))
        for c in record.claims:
            shown = f"{c.type} | subject={c.subject} | object={c.object} | value={c.value} | {c.sentence}"
            items.append(("claim", record.paper.id, c.sentence[:60], shown))
    return items


def sample_report(path: Path, n: int, judgements: Path | None, template: Path | None) -> None:
    from kg.extract import extract_papers
    from kg.extract.evaluate import read_jsonl
    from kg.records import Paper

    rows = read_jsonl(path)[:n]
    papers = [Paper(id=r["id"], title=r.get("title") or "", abstract=r.get("abstract") or r.get("text") or "")
              for r in rows]
    items = _items(extract_papers(papers))
    if template:
        with template.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(["kind", "id", "key", "verdict", "shown"])
            for kind, pid, key, shown in items:
                writer.writerow([kind, pid, key, "", shown])
        print(f"wrote {len(items)} items to {template}")
    verdicts: dict[tuple[str, str, str], str] = {}
    if judgements:
        with judgements.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["verdict"].strip():
                    verdicts[(row["kind"], row["id"], row["key"])] = row["verdict"].strip()
    for kind in ("proposed", "claim"):
        mine = [i for i in items if i[0] == kind]
        judged = [verdicts[i[:3]] for i in mine if i[:3] in verdicts]
        good = sum(v == "1" for v in judged)
        line = f"{kind}: {len(mine)} extracted from {len(papers)} abstracts"
        if judged:
            line += f", {len(judged)} judged, {good} correct: precision {good / len(judged):.2f}"
        print(line)
        for item in mine:
            if item[:3] not in verdicts:
                print(f"  unjudged  {item[1]}: {item[3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sample = sub.add_parser("sample")
    sample.add_argument("texts", nargs="?", default=str(SHARED / "data" / "scierc" / "dev.jsonl"))
    sample.add_argument("--n", type=int, default=30)
    sample.add_argument("--judgements", type=Path)
    sample.add_argument("--template", type=Path)
    args = parser.parse_args()
    sample_report(Path(args.texts), args.n, args.judgements, args.template)


if __name__ == "__main__":
    main()
