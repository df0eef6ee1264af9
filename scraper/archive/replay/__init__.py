"""Replay in pywb: its own virtualenv, a collection over a WARC folder, `wayback` on loopback.

pywb pins old packages (redis 2.10.6) that break others installed beside it, so it lives in a
virtualenv of its own: ``$BULLETINS_PYWB_VENV``, else ``~/.cache/bulletin-archiver/pywb-venv``
(``$XDG_CACHE_HOME`` honoured), shared by every folder the tool runs in. Its marker file is
written last, so an interrupted install is started over; an flock serializes installers.

A collection is a folder holding pywb's ``config.yaml`` and one sorted CDXJ index per WARC file
(``indexes/NAME.cdxj``, POST bodies keyed in, as wb-manager does). The WARC files are read where
they are, never copied; a sync indexes only files that are new or changed since their index was
written and drops indexes of files that are gone, so repeated runs are cheap. ``.open`` files,
still being written, are never indexed. Only files directly in the folder count.

The package: `install` (pywb's own virtualenv, and running its tools), `collection` (pywb's config
and the CDXJ indexes of a WARC folder), `server` (a running `wayback`), `captures` (which capture to
replay, and its replay URL). ReplayError is theirs in common.
"""


class ReplayError(Exception):
    """Replay cannot go on; the message is one line for the user (details may follow)."""
