"""What ``kg query`` (SPARQL) and ``kg cypher`` share: the ``--param`` syntax and the result printer."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer

from ._app import fail, info

PARAM_HELP = "NAME=VALUE (a string) or NAME:=JSON (a number, true/false, a list...); repeatable."
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FORMATS = ("table", "csv", "json")


def parse_params(items: Sequence[str]) -> dict[str, Any]:
    """``--param`` values as a dict: ``NAME=VALUE`` binds the string VALUE, ``NAME:=JSON`` the JSON
    value; anything else stops with one line naming the item."""
    params: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        typed = name.endswith(":")
        name = name.removesuffix(":")
        if not sep or not _NAME.fullmatch(name):
            _bad_param(item)
        if typed:
            try:
                params[name] = json.loads(value)
            except ValueError:
                _bad_param(item)
        else:
            params[name] = value
    return params


def _bad_param(item: str) -> None:
    fail(f"--param takes NAME=VALUE (a string) or NAME:=JSON (a JSON value), got {item!r}")


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; choose table, csv or json")


def frame_rows(frame) -> tuple[list[str], list[list[Any]]]:
    """(columns, rows) of a pandas DataFrame as plain Python values, a missing value as None."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [str(c) for c in frame.columns], [list(row.values()) for row in plain.to_dict(orient="records")]


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, boxed: bool = False) -> None:
    """Print query results on stdout: ``json`` a list of row objects, ``csv`` a header and a line per row
    (None empty, lists and maps as JSON), ``table`` aligned text (``boxed``: a box-drawn table and the
    row count on stderr, for values such as nodes and lists)."""
    if fmt == "json":
        objects = [dict(zip(columns, row)) for row in rows]
        typer.echo(json.dumps(objects, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
    elif boxed:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*[str(_cell(v)) for v in row])
        Console(width=200).print(table)
        info(f"{len(rows)} row(s)")
    elif not rows:
        typer.echo("(no rows)" if len(columns) else "")
    else:
        import pandas as pd

        typer.echo(pd.DataFrame(rows, columns=list(columns)).to_string(index=False, max_colwidth=60))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
