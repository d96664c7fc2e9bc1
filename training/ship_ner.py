"""Copy the trained NER (training/ner-model/model-best) into kg/extract/resources/ner.

    python training/ship_ner.py [MODEL_DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "training" / "ner-model" / "model-best"
TARGET = ROOT / "kg" / "extract" / "resources" / "ner"


def main() -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    shutil.copytree(SOURCE, TARGET)
    size = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    if size > 30 * 1024 * 1024:
        raise SystemExit(f"NER model is {size / 1e6:.1f} MB, over the 30 MB budget")
    print(f"shipped {SOURCE} -> {TARGET} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
