"""Papers with Code formats: the records as the three JSON files of PwC's data dumps.

- ``evaluation-tables.json``: sota-extractor's TaskDB (v01) schema, a list of tasks, each with its
  datasets and their leaderboards, built from :func:`kg.results.leaderboard` (scores only, best per
  method and paper); a result of a claim that names no task is filed under :data:`UNSPECIFIED_TASK`;
- ``papers-with-abstracts.json``: one entry per paper;
- ``links-between-papers-and-code.json``: one entry per code URL of a paper.

The field lists are those of the published dumps; ``kg/resources/pwc/*.schema.json`` (JSON Schema
2020-12) describe them. What a record does not know is left empty (``""``, ``[]``) or ``null``.
Reading papers-with-abstracts.json back is :func:`kg.ingest.parse_pwc`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ids import RESOURCE_IRI, arxiv_id, paper_iri
from .records import Paper, PaperRecord
from .results import Result, leaderboard

UNSPECIFIED_TASK = "Unspecified task"
EVALUATION_TABLES = "evaluation-tables.json"
PAPERS = "papers-with-abstracts.json"
LINKS = "links-between-papers-and-code.json"
FILES = (EVALUATION_TABLES, PAPERS, LINKS)
SCHEMAS = Path(__file__).parent / "resources" / "pwc"
METHOD_FIELDS = ("name", "full_name", "description", "introduced_year", "source_url", "source_title",
                 "code_snippet_url", "main_collection")


def schema_path(file_name: str) -> Path:
    """The JSON Schema of one of :data:`FILES`."""
    return SCHEMAS / file_name.replace(".json", ".schema.json")


def pwc_files(records: Iterable[PaperRecord]) -> dict[str, list[dict[str, Any]]]:
    """The content of each of :data:`FILES`."""
    records = list(records)
    return {EVALUATION_TABLES: evaluation_tables(records), PAPERS: papers_with_abstracts(records),
            LINKS: links_to_code(records)}


# ---------------------------------------------------------------- where a paper is


@dataclass(frozen=True)
class PaperLinks:
    iri: str  # the paper in this graph
    pwc_url: str | None  # its page on Papers with Code, when a dump gave it
    arxiv_id: str | None
    url_abs: str  # its abstract's page: as given, else on arXiv when the arXiv id is known, else ""
    url_pdf: str

    @property
    def page_url(self) -> str:
        """``paper_url`` of the papers and links files: PwC's page, else the paper's IRI (so the two
        files join, and reading the papers back gives the same ids)."""
        return self.pwc_url or self.iri

    @property
    def known_url(self) -> str:
        """``paper_url`` of the evaluation tables: PwC's page, else the abstract's page, else ''."""
        return self.pwc_url or self.url_abs


def paper_links(paper: Paper) -> PaperLinks:
    """Where a paper is, from what its input said (a PwC dump's fields, kept as metadata) or its arXiv id."""
    meta = paper.metadata
    given = _text(meta.get("arxiv_id"))
    arxiv = (arxiv_id(given) or given) if given else arxiv_id(paper.id)
    url_abs = _text(meta.get("url_abs")) or (f"https://arxiv.org/abs/{arxiv}" if arxiv else "")
    url_pdf = _text(meta.get("url_pdf")) or (f"https://arxiv.org/pdf/{arxiv}" if arxiv else "")
    page = _text(meta.get("paper_url"))
    pwc_url = None if page and page.startswith(RESOURCE_IRI) else page  # an IRI of ours read back
    return PaperLinks(paper_iri(paper.id), pwc_url, arxiv, url_abs, url_pdf)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in _list(value) if isinstance(v, str)]


# ---------------------------------------------------------------- evaluation-tables.json


def evaluation_tables(records: Iterable[PaperRecord]) -> list[dict[str, Any]]:
    """Tasks in name order, each with its datasets' leaderboards: one row per leaderboard row (under
    each task of its claim)."""
    records = list(records)
    papers = {record.paper.id: record.paper for record in records}
    boards: dict[str, dict[str, list[Result]]] = {}
    for row in leaderboard(records):
        for task in row.tasks or (UNSPECIFIED_TASK,):
            boards.setdefault(task, {}).setdefault(row.dataset, []).append(row)
    return [_task(task, datasets, papers) for task, datasets in sorted(boards.items())]


def _task(name: str, datasets: dict[str, list[Result]], papers: dict[str, Paper]) -> dict[str, Any]:
    return {"task": name, "description": "", "categories": [],
            "datasets": [_dataset(dataset, rows, papers) for dataset, rows in datasets.items()],
            "subtasks": [], "synonyms": [], "source_link": None}


def _dataset(name: str, rows: list[Result], papers: dict[str, Paper]) -> dict[str, Any]:
    sota = {"metrics": list(dict.fromkeys(row.metric for row in rows)),
            "rows": [_sota_row(row, papers[row.paper_id]) for row in rows]}
    return {"dataset": name, "description": "", "sota": sota, "subdatasets": [], "dataset_links": [],
            "dataset_citations": []}


def _sota_row(row: Result, paper: Paper) -> dict[str, Any]:
    return {"model_name": row.method, "paper_title": row.paper_title, "paper_url": paper_links(paper).known_url,
            "paper_date": row.date, "code_links": [_code_link(url) for url in paper.code_urls], "model_links": [],
            "metrics": {row.metric: metric_value(row.number, row.unit)}, "uses_additional_data": False}


def _code_link(url: str) -> dict[str, str]:
    """{title, url}; the title is the URL's path ('owner/repo'), as PwC titles GitHub links."""
    path = url.split("://", 1)[-1].partition("/")[2].strip("/")
    return {"title": path or url, "url": url}


def metric_value(number: float, unit: str | None) -> str:
    """A score as PwC writes it: '80.67%', '28.4' (no unit), '32.1 dB'."""
    text = format(number, ".12g")
    if unit == "%":
        return text + "%"
    return text if unit in (None, "count") else f"{text} {unit}"


# ---------------------------------------------------------------- papers-with-abstracts.json


def papers_with_abstracts(records: Iterable[PaperRecord]) -> list[dict[str, Any]]:
    """One entry per paper, in record order. Authors, proceeding and PwC's own tasks and methods come
    from a PwC dump's fields kept as metadata; tasks and methods add the names the paper mentions."""
    records = list(records)
    introduced = _introductions(records)
    return [_paper_entry(record, introduced) for record in records]


def _paper_entry(record: PaperRecord, introduced: dict[str, Paper]) -> dict[str, Any]:
    paper, links = record.paper, paper_links(record.paper)
    meta = paper.metadata
    tasks = list(dict.fromkeys(_strings(meta.get("tasks")) + _names(record, "task")))
    return {"paper_url": links.page_url, "arxiv_id": links.arxiv_id, "title": paper.title,
            "abstract": paper.abstract, "url_abs": links.url_abs, "url_pdf": links.url_pdf,
            "proceeding": _text(meta.get("proceeding")), "authors": _strings(meta.get("authors")),
            "tasks": tasks, "date": paper.published, "methods": _methods(record, introduced)}


def _names(record: PaperRecord, label: str) -> list[str]:
    names = [m.canonical for m in record.mentions if m.label == label]
    return list(dict.fromkeys(names + list(record.proposed) if label == "method" else names))


def _methods(record: PaperRecord, introduced: dict[str, Paper]) -> list[dict[str, Any]]:
    """PwC's methods of the paper (from a dump) then the methods it mentions or proposes."""
    given = [{key: m.get(key) for key in METHOD_FIELDS} for m in _list(record.paper.metadata.get("methods"))
             if isinstance(m, dict) and _text(m.get("name"))]
    known = {m["name"] for m in given}
    return given + [_method(name, introduced.get(name)) for name in _names(record, "method") if name not in known]


def _method(name: str, source: Paper | None) -> dict[str, Any]:
    """A method as PwC lists it; introduced by the earliest paper of the corpus that proposes it."""
    return {"name": name, "full_name": name, "description": "",
            "introduced_year": int(source.published[:4]) if source and source.published else None,
            "source_url": paper_links(source).page_url if source else None,
            "source_title": source.title if source else None, "code_snippet_url": None, "main_collection": None}


def _introductions(records: list[PaperRecord]) -> dict[str, Paper]:
    """Each proposed method's proposing paper: the earliest dated one, else the first."""
    out: dict[str, Paper] = {}
    for record in records:
        paper = record.paper
        for name in record.proposed:
            current = out.get(name)
            if current is None or (paper.published and (not current.published or paper.published < current.published)):
                out[name] = paper
    return out


# ---------------------------------------------------------------- links-between-papers-and-code.json


def links_to_code(records: Iterable[PaperRecord]) -> list[dict[str, Any]]:
    """One entry per code URL a paper gives. ``mentioned_in_paper`` is true (the URL is in its text);
    whether the code is the authors' own, or mentioned on GitHub, is unknown (null)."""
    return [_link(record.paper, url) for record in records for url in record.paper.code_urls]


def _link(paper: Paper, url: str) -> dict[str, Any]:
    links = paper_links(paper)
    return {"paper_url": links.page_url, "paper_title": paper.title, "paper_arxiv_id": links.arxiv_id,
            "paper_url_abs": links.url_abs, "paper_url_pdf": links.url_pdf, "repo_url": url, "is_official": None,
            "mentioned_in_paper": True, "mentioned_in_github": None, "framework": "none"}
