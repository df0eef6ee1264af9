"""The `bulletins` command: a thin layer over the library, one module per command (group)."""

from __future__ import annotations

import atexit
import gc
import importlib
import pkgutil
import sys

import click

from storage.config import StorageError

from scraper.extract.profiles import ProfileError


def finish(code: int) -> None:
    """Exit with `code` after a crawl. The interpreter's teardown collects every object the crawl
    left, again and again (about 0.4 s after a 1,830-article crawl): the heap is frozen
    (gc.freeze) once the process is exiting, at its atexit time, so those collections skip it.
    atexit handlers and threads end as always, and files are closed (objects left in reference
    cycles are no longer finalized: nothing of ours relies on that). A caller that catches the
    SystemExit (click's test runner) goes on with nothing frozen."""
    atexit.register(gc.freeze)  # last registered, so first run: before the teardown's collections
    sys.exit(code)


def fail(message: str) -> None:
    """A one-line error and exit status 2, the usage-error convention of the whole CLI."""
    click.echo(f"bulletins: error: {message}", err=True)
    sys.exit(2)


# Each command's module, imported only when the command runs or when `--help` lists the commands
# (click's lazy-loading pattern): `bulletins crawl` then imports the crawl and nothing of export
# (pyarrow), serve, replay or the archive commands. The modules register their commands on `main`
# when imported (`@main.command()`), so a command is looked up on `main` after its modules are
# imported. A name maps to every module that adds to it (`archive`'s subcommands live in two).
# A new command module adds its line here; until it does, running it imports every module.
LAZY_COMMANDS: dict[str, tuple[str, ...]] = {
    "archive": ("archive", "archive_list", "archive_repair"),
    "crawl": ("crawl",),
    "db": ("db",),
    "demo": ("demo",),
    "discover": ("discover",),
    "eval": ("eval",),
    "export": ("export",),
    "probe": ("probe",),
    "reparse": ("reparse",),
    "replay": ("replay",),
    "report": ("report",),
    "search": ("search",),
    "serve": ("serve",),
    "show": ("show",),
    "sources": ("sources",),
    "status": ("status",),
}


def _import_all() -> None:
    """Import every module of this package: each registers its commands on `main`."""
    for found in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{found.name}")


class _Main(click.Group):
    """Storage problems (an outdated schema, an unusable folder), unusable profile files and a
    value that does not fit its option (scraper.cli.options) end any command in one line;
    a missing argument, an unknown option keep click's usage message. Commands are loaded lazily
    (LAZY_COMMANDS)."""

    def list_commands(self, ctx):
        _import_all()   # --help: every module, listed in LAZY_COMMANDS or not
        return sorted(self.commands)

    def get_command(self, ctx, name):
        modules = LAZY_COMMANDS.get(name)
        if modules is None:
            if name not in self.commands:
                _import_all()   # a module missing from LAZY_COMMANDS still works (or a typo)
        else:
            for module in modules:   # a no-op once imported
                importlib.import_module(f"{__name__}.{module}")
        return self.commands.get(name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (StorageError, ProfileError) as exc:
            fail(str(exc))
        except click.BadParameter as exc:
            if isinstance(exc, click.MissingParameter):
                raise  # the command line's shape: click's usage and message
            fail(bad_value(exc))


def bad_value(exc: click.BadParameter) -> str:
    """A value that does not fit its option (or argument), as one line: `--limit: expected ...`."""
    param = exc.param
    if isinstance(param, click.Option):
        name = "/".join(param.opts)
    elif param is not None:
        name = param.human_readable_name
    else:
        name = exc.param_hint or "value"
    return f"{name}: {' '.join(exc.message.split())}"


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-archiver")
def main():
    """Archive regional-government press bulletins: WARC files plus a database of articles."""
