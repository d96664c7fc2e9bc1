"""How far do the extraction rules generalise beyond the papers they were tuned on?

    python scripts/extract_robustness.py dev  [GOLD]                 # per-paper and leave-one-out scores
    python scripts/extract_robustness.py sample [TEXTS] [--n 30] [--judgements TSV] [--template OUT.tsv]

``dev``: extracts the seed dev papers once, scores every paper alone and every leave-one-out
subset (19 of 20 papers), and prints the spread: a dev score that moves a lot when one paper is
left out was carried by that paper, which is what overfitting to the dev set looks like.

``sample``: extracts the first N abstracts of a text-only corpus (SciERC dev by default: no claim
gold exists there) and lists every claim and proposed method for a person to judge. With
``--judgements`` (a TSV: kind, id, key, verdict 1/0; see training/judgements/) it prints the
precision over the judged items and lists the items nobody judged yet; ``--template`` writes such a
TSV with empty verdicts for the current output.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else Path("/work/shared")


def dev_report(gold_path: Path) -> None:
    from kg.extract import extract_papers, output_row
    from kg.extract.evaluate import gold_papers, read_jsonl, score_seed

    gold = read_jsonl(gold_path)
    pred = [output_row(r) for r in extract_papers(gold_papers(gold))]

    def f1s(g, p) -> tuple[float, float, float]:
        s = score_seed(g, p).summary()

        def f1(part: dict) -> float:  # nothing to find and nothing found is right, not 0
            return 1.0 if part["n_gold"] == 0 and part["n_pred"] == 0 else part["f1"]

        return f1(s["entities"]["all"]), f1(s["proposed"]), f1(s["claims"])

    print(f"{'paper':8} {'entities':>9} {'proposed':>9} {'claims':>9}")
    singles = []
    for g, p in zip(gold, pred):
        scores = f1s([g], [p])
        singles.append(scores)
        print(f"{g['id']:8} " + " ".join(f"{v:9.3f}" for v in scores))
    loo = [f1s(gold[:i] + gold[i + 1:], pred[:i] + pred[i + 1:]) for i in range(len(gold))]
    everything = f1s(gold, pred)
    names = ("entities", "proposed", "claims")
    print(f"\nall {len(gold)} papers: " + "  ".join(f"{n} {v:.3f}" for n, v in zip(names, everything)))
    for k, name in enumerate(names):
        per = [s[k] for s in singles]
        out = [s[k] for s in loo]
        worst = min(range(len(per)), key=per.__getitem__)
        print(f"{name:9} per paper mean {statistics.mean(per):.3f} sd {statistics.pstdev(per):.3f} "
              f"(worst {gold[worst]['id']} {per[worst]:.3f}); leave-one-out {min(out):.3f}..{max(out):.3f}")


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
    dev = sub.add_parser("dev")
    dev.add_argument("gold", nargs="?", default=str(SHARED / "data" / "seedgold" / "dev.jsonl"))
    sample = sub.add_parser("sample")
    sample.add_argument("texts", nargs="?", default=str(SHARED / "data" / "scierc" / "dev.jsonl"))
    sample.add_argument("--n", type=int, default=30)
    sample.add_argument("--judgements", type=Path)
    sample.add_argument("--template", type=Path)
    args = parser.parse_args()
    if args.command == "dev":
        dev_report(Path(args.gold))
    else:
        sample_report(Path(args.texts), args.n, args.judgements, args.template)


if __name__ == "__main__":
    main()
