"""`bulletins eval`: field-level accuracy of the zero-config extractor on pages with known answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..extract.evaluate import DEFAULT_SET, REAL_PAGES, check_floors, evaluate, load_cases, table
from . import fail, main


@main.command("eval")
@click.option("--json", "as_json", is_flag=True, help="Machine output: one JSON object.")
@click.option("--set", "eval_set", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Evaluation set: a folder with articles/ and listings/ of NAME.html + NAME.json "
                   f"[default: {DEFAULT_SET}]")
@click.option("--real-pages", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Folder of the real captured pages, scored when present [default: {REAL_PAGES}]")
@click.option("--no-real", is_flag=True, help="Leave the real captured pages out.")
@click.option("--floors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Pinned accuracy floors (JSON); exit 1 when one is not met [default: SET/floors.json when present]")
@click.option("--repeat", type=click.IntRange(1, 100), default=1, show_default=True,
              help="Extract each article this many times; the median time is reported.")
def eval_command(as_json, eval_set, real_pages, no_real, floors, repeat):
    """Score the zero-config extractor on pages with known answers.

    Prints accuracy per field (title, date, author, views, body start and end, attachments; for
    listings kind, ids, notices, dates, pagination, next), per group of pages and overall, then
    every failure with what was found against what was expected.

    Exits 1 when an accuracy is below the pinned floors, 2 when there is nothing to evaluate.
    """
    folder = eval_set or DEFAULT_SET
    if eval_set is not None and not eval_set.is_dir():
        fail(f"no evaluation set at {eval_set}")
    real = None if no_real else (real_pages or REAL_PAGES)
    cases = load_cases(folder, real)
    if not cases:
        fail(f"no pages with gold files in {folder}")
    report = evaluate(cases, repeat=repeat)
    floors_path = floors or (folder / "floors.json")
    problems = []
    if floors_path.exists():
        problems = check_floors(report, json.loads(floors_path.read_text()))
    elif floors is not None:
        fail(f"no floors file at {floors}")
    if as_json:
        data = report.as_dict()
        data["below_floors"] = problems
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo("\n".join(table(report)))
        for problem in problems:
            click.echo(f"below floor: {problem}")
    if problems:
        sys.exit(1)
