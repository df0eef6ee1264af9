"""The options several commands share, each declared once here: its name, click type, help text
and how its value is resolved. A command takes them as decorators (`@database_url_option`) and
receives the value it works with: the database URL and the WARC folder already resolved (option,
else environment, else the default of storage.config), months checked, --lang case-folded,
--limit an int. A value that does not fit its type is one line (`bulletins: error: --limit: ...`,
exit 2; scraper.cli._Main)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from storage.config import (DATABASE_URL_ENV, DEFAULT_DATABASE_URL, DEFAULT_WARC_DIR, WARC_DIR_ENV,
                            StorageError)
from storage.config import database_url as resolve_database_url
from storage.config import warc_dir as resolve_warc_dir

from ..extract.fields import parse_month

CONTACT_ENV = "BULLETINS_CONTACT"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


# --------------------------------------------------------------------------- types

class Month(click.ParamType):
    """A month as YYYY-MM; the value stays the text (the libraries take it so)."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        try:
            parse_month(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return value


class LanguageCode(click.ParamType):
    """A language as the articles store it (scraper.extract.language: ISO 639-1 codes from langdetect and
    the Hangul rule, `zh-cn`/`zh-tw` for Chinese): 2 or 3 letters, optionally a hyphen and a
    2-letter region. Any case on the command line; the value is case-folded (KO -> ko)."""

    name = "CODE"
    pattern = re.compile(r"[a-z]{2,3}(-[a-z]{2})?")

    def convert(self, value, param, ctx):
        code = value.strip().casefold()
        if not (code.isascii() and self.pattern.fullmatch(code)):
            self.fail(f"expected a language code (ISO 639-1) such as ko, en or zh-cn, got {value!r}",
                      param, ctx)
        return code


class PositiveInt(click.IntRange):
    """An int from 1 up, with the project's wording when it is not one."""

    name = "N"

    def __init__(self):
        super().__init__(min=1)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"expected a positive number, got {value!r}", param, ctx)


MONTH = Month()
LANGUAGE = LanguageCode()
POSITIVE = PositiveInt()
PORT = click.IntRange(0, 65535)


# --------------------------------------------------------------------------- storage

def _database_url(ctx, param, value: str | None) -> str:
    return resolve_database_url(value)


database_url_option = click.option(
    "--database-url", envvar=DATABASE_URL_ENV, default=None, metavar="URL", callback=_database_url,
    help=f"SQLAlchemy URL [env {DATABASE_URL_ENV}; default {DEFAULT_DATABASE_URL}]")


def _warc_dir(ctx, param, value: Path | None) -> Path:
    return resolve_warc_dir(value)


def _existing_warc_dir(ctx, param, value: Path | None) -> Path:
    folder = resolve_warc_dir(value)
    if not folder.is_dir():
        raise StorageError(f"no WARC folder at {folder}")
    return folder


def warc_dir_option(*, existing: bool = False):
    """--warc-dir, resolved to a Path; `existing`: a folder that is not there is one line
    (`no WARC folder at ...`), for the commands that read the WARC files."""
    return click.option(
        "--warc-dir", envvar=WARC_DIR_ENV, default=None, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        callback=_existing_warc_dir if existing else _warc_dir,
        help=f"Folder of the WARC files [env {WARC_DIR_ENV}; default ./{DEFAULT_WARC_DIR}]")


# --------------------------------------------------------------------------- crawling

contact_option = click.option(
    "--contact", envvar=CONTACT_ENV, default=None, metavar="URL|E-MAIL",
    help=f"Operator contact (URL or e-mail) sent in the User-Agent [env {CONTACT_ENV}]")


def log_level_option(default: str):
    """--log-level; `default` says what the command uses when it is not given."""
    return click.option("--log-level", default=None, type=click.Choice(LOG_LEVELS, case_sensitive=False),
                        help=f"Scrapy log level [default: {default}]")


def timeout_option(func):
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                        show_default=True, help="Seconds to wait for the server.")(func)


def port_option(default: int, help: str):
    return click.option("--port", type=PORT, default=default, show_default=True, help=help)


# --------------------------------------------------------------------------- filters

def source_option(help: str, *, multiple: bool = False):
    """--source SOURCE: a source name (`bulletins sources`); `multiple`: repeat for several."""
    return click.option("--source", "sources" if multiple else "source", multiple=multiple,
                        default=None, metavar="SOURCE", help=help)


def since_option(help: str):
    return click.option("--since", type=MONTH, default=None, help=help)


def until_option(help: str):
    return click.option("--until", type=MONTH, default=None, help=help)


lang_option = click.option(
    "--lang", "language", type=LANGUAGE, default=None,
    help="Only articles in this language: its code as detected (ko, en, ...; zh-cn, zh-tw), "
         "in any case.")

limit_option = click.option("--limit", type=POSITIVE, default=20, show_default=True,
                            help="At most N results.")
