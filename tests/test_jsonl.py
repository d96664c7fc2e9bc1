"""kg.jsonl: the one writer and reader of the JSON Lines files kg writes."""

from __future__ import annotations

import json

from kg.jsonl import iter_jsonl, json_line, numbered_lines, open_jsonl, write_jsonl


def test_json_line_escapes_foreign_line_separators():
    line = json_line({"t": "a\u2028b\u0085c\u2029d"})
    assert line.endswith("\n") and line.count("\n") == 1 and len(line.splitlines()) == 1
    assert json.loads(line) == {"t": "a\u2028b\u0085c\u2029d"}


def test_write_is_atomic_and_reads_back_with_line_numbers(tmp_path):
    path = tmp_path / "sub" / "rows.jsonl"
    assert write_jsonl(path, ({"n": i} for i in range(3))) == 3
    assert [p.name for p in path.parent.iterdir()] == ["rows.jsonl"]  # no temporary file left
    path.write_text(path.read_text(encoding="utf-8") + "\n  \n{\"n\": 9}\n", encoding="utf-8")
    assert [(n, json.loads(line)) for n, line in numbered_lines(open_jsonl(path))] == [
        (1, {"n": 0}), (2, {"n": 1}), (3, {"n": 2}), (6, {"n": 9})]
    assert list(iter_jsonl(path)) == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 9}]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "rows.jsonl"
    write_jsonl(path, [{"n": 1}])

    def broken():
        yield {"n": 2}
        raise RuntimeError("stop")

    try:
        write_jsonl(path, broken())
    except RuntimeError:
        pass
    assert list(iter_jsonl(path)) == [{"n": 1}]
