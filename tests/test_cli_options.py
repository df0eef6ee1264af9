"""The options the commands share (scraper/cli/options.py): every command that takes one reads
it the same way (the environment variable, the default, the type), and a value that does not fit
is one line with exit status 2 whatever the command."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import click
import pytest

from scraper.cli import main
from storage.database.articles import ArticleRecord, save_article
from storage.config import DEFAULT_DATABASE_URL, DEFAULT_WARC_DIR
from storage.database.db import make_engine, session

from .conftest import run_cli


def leaf_commands() -> dict[str, click.Command]:
    """Every runnable command ("db current", "search", ...) as click finds it."""
    found: dict[str, click.Command] = {}

    def walk(group: click.Group, path: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, [*path, name])
            else:
                found[" ".join([*path, name])] = command

    walk(main, [])
    return found


COMMANDS = leaf_commands()


def taking(option: str) -> dict[str, click.Option]:
    return {name: param for name, command in COMMANDS.items() for param in command.params
            if isinstance(param, click.Option) and option in param.opts}


def parsed(name: str, *args: str) -> dict:
    """The values the command `name` would run with, as click parses them (the command is not
    run); a required argument gets a placeholder."""
    command = COMMANDS[name]
    placeholders = ["1" for p in command.params if isinstance(p, click.Argument) and p.required]
    with command.make_context(name, [*placeholders, *args]) as ctx:
        return dict(ctx.params)


DATABASE_COMMANDS = {"archive repair", "crawl", "db current", "db upgrade", "demo", "export", "replay",
                     "reparse", "report", "search", "serve", "show", "sources", "status"}
WARC_COMMANDS = {"archive list", "archive repair", "crawl", "demo", "replay", "reparse"}


def test_the_storage_options_are_on_every_command_that_uses_storage_with_one_help_text():
    database, warcs = taking("--database-url"), taking("--warc-dir")
    assert set(database) == DATABASE_COMMANDS and set(warcs) == WARC_COMMANDS
    assert {p.help for p in database.values()} == {
        "SQLAlchemy URL [env BULLETINS_DATABASE_URL; default sqlite:///data/bulletins.sqlite]"}
    assert {p.help for p in warcs.values()} == {
        "Folder of the WARC files [env BULLETINS_WARC_DIR; default ./data/warc]"}


@pytest.mark.parametrize("name", sorted(DATABASE_COMMANDS))
def test_every_database_command_reads_the_environment_and_the_option_wins(name, tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETINS_WARC_DIR", str(tmp_path))  # replay and repair need a WARC folder
    monkeypatch.delenv("BULLETINS_DATABASE_URL", raising=False)
    assert parsed(name)["database_url"] == DEFAULT_DATABASE_URL
    monkeypatch.setenv("BULLETINS_DATABASE_URL", "sqlite:///from-env.sqlite")
    assert parsed(name)["database_url"] == "sqlite:///from-env.sqlite"
    assert parsed(name, "--database-url", "sqlite:///given.sqlite")["database_url"] == "sqlite:///given.sqlite"


@pytest.mark.parametrize("name", sorted(WARC_COMMANDS))
def test_every_warc_command_reads_the_environment_and_the_option_wins(name, tmp_path, monkeypatch):
    (tmp_path / "env").mkdir()
    (tmp_path / "given").mkdir()
    monkeypatch.chdir(tmp_path)
    DEFAULT_WARC_DIR.mkdir(parents=True)
    monkeypatch.delenv("BULLETINS_WARC_DIR", raising=False)
    assert parsed(name)["warc_dir"] == DEFAULT_WARC_DIR
    monkeypatch.setenv("BULLETINS_WARC_DIR", str(tmp_path / "env"))
    assert parsed(name)["warc_dir"] == tmp_path / "env"
    assert parsed(name, "--warc-dir", str(tmp_path / "given"))["warc_dir"] == tmp_path / "given"


@pytest.mark.parametrize("command", [["search", "x"], ["export"], ["show", "1"], ["report", "-o", "r.html"],
                                     ["db", "current"], ["replay", "--no-serve"]],
                         ids=lambda c: " ".join(c[:2]) if c[0] == "db" else c[0])
def test_the_database_named_by_the_environment_is_the_one_opened(command, tmp_path):
    (tmp_path / "warc").mkdir()
    missing = tmp_path / "from-env.sqlite"
    result = run_cli(*command, cwd=tmp_path, env={"BULLETINS_DATABASE_URL": f"sqlite:///{missing}",
                                                  "BULLETINS_WARC_DIR": str(tmp_path / "warc")})
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"bulletins: error: no database at {missing}\n")


@pytest.mark.parametrize("command", [["archive", "list"], ["archive", "repair"], ["replay", "--no-serve"]],
                         ids=" ".join)
def test_a_command_that_reads_the_warc_files_names_a_missing_folder_from_the_environment(command, tmp_path):
    missing = tmp_path / "no-warcs"
    result = run_cli(*command, cwd=tmp_path, env={"BULLETINS_WARC_DIR": str(missing)})
    assert (result.returncode, result.stderr) == (2, f"bulletins: error: no WARC folder at {missing}\n")
    assert list(tmp_path.iterdir()) == []


# --- values that do not fit: one line, exit 2 -----------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["search", "x", "--limit", "0"], "--limit: expected a positive number, got '0'"),
    (["search", "x", "--limit", "-3"], "--limit: expected a positive number, got '-3'"),
    (["search", "x", "--limit", "x"], "--limit: expected a positive number, got 'x'"),
    (["search", "x", "--limit", "2.5"], "--limit: expected a positive number, got '2.5'"),
    (["export", "--since", "2022-13"], "--since: expected a month as YYYY-MM, got '2022-13'"),
    (["crawl", "gyeongbuk", "--until", "June"], "--until: expected a month as YYYY-MM, got 'June'"),
    (["reparse", "--since", "22-01"], "--since: expected a month as YYYY-MM, got '22-01'"),
    (["replay", "--port", "70000"], "--port: 70000 is not in the range 0<=x<=65535."),
    (["export", "--format", "pdf"], "--format: 'pdf' is not one of 'csv', 'jsonl', 'parquet', 'xlsx'."),
    (["crawl", "gyeongbuk", "--log-level", "loud"],
     "--log-level: 'loud' is not one of 'debug', 'info', 'warning', 'error'."),
    (["probe", "http://127.0.0.1:9/", "--timeout", "0"], "--timeout: 0.0 is not in the range x>0."),
])
def test_a_value_that_does_not_fit_its_option_is_one_line(args, message, tmp_path):
    result = run_cli(*args, cwd=tmp_path, env={"BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"})
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"bulletins: error: {message}\n")
    assert list(tmp_path.iterdir()) == []  # refused before anything was made


def test_a_file_given_as_the_warc_folder_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run_cli("archive", "list", "--warc-dir", str(tmp_path / "a-file"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"bulletins: error: --warc-dir: Directory '{tmp_path / 'a-file'}' is a file."]


def test_a_missing_argument_keeps_the_usage_line():
    result = run_cli("search")
    assert result.returncode == 2
    assert result.stderr.startswith("Usage: bulletins search [OPTIONS] QUERY")
    assert "Missing argument 'QUERY'" in result.stderr


# --- --lang: one rule for search and export --------------------------------------------------------

SEEN = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def languages(tmp_path_factory) -> str:
    """Three articles with the word "bulletin", in Korean, English and (as langdetect names it)
    simplified Chinese."""
    url = f"sqlite:///{tmp_path_factory.mktemp('lang') / 'bulletins.sqlite'}"
    engine = make_engine(url)
    with session(engine) as db:
        for board_id, language in (("1", "ko"), ("2", "en"), ("3", "zh-cn")):
            save_article(db, ArticleRecord(source="gyeonggi", board_id=board_id,
                                           url=f"http://127.0.0.1/view?id={board_id}",
                                           title=f"bulletin {language}", published=date(2026, 10, 2),
                                           body_text="bulletin", language=language), SEEN)
        db.commit()
    engine.dispose()
    return url


def searched(url: str, *args: str) -> list[str]:
    result = run_cli("search", "bulletin", "--json", "--database-url", url, *args)
    assert result.returncode == 0, result.stderr
    return sorted(hit["board_id"] for hit in json.loads(result.stdout))


def exported(url: str, *args: str) -> list[str]:
    result = run_cli("export", "--format", "jsonl", "--database-url", url, *args)
    assert result.returncode == 0, result.stderr
    return sorted(json.loads(line)["board_id"] for line in result.stdout.splitlines())


@pytest.mark.parametrize("code, board_ids", [("ko", ["1"]), ("KO", ["1"]), ("En", ["2"]), ("zh-CN", ["3"]),
                                             ("ja", [])])
def test_search_and_export_take_the_same_language_codes_in_any_case(languages, code, board_ids):
    assert searched(languages, "--lang", code) == board_ids
    assert exported(languages, "--lang", code) == board_ids


@pytest.mark.parametrize("code", ["korean", "k", "k1", "ko_KR", "zh-hans", ""])
def test_search_and_export_refuse_the_same_language_codes_in_the_same_words(languages, code):
    message = (f"bulletins: error: --lang: expected a language code (ISO 639-1) such as ko, en or zh-cn, "
               f"got {code!r}\n")
    for command in (["search", "bulletin"], ["export"]):
        result = run_cli(*command, "--lang", code, "--database-url", languages)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message), command


def test_every_command_filtering_by_language_uses_the_one_rule():
    assert set(taking("--lang")) == {"export", "search"}
    assert len({type(p.type) for p in taking("--lang").values()}) == 1
    assert len({p.help for p in taking("--lang").values()}) == 1

