"""Size limits and bombs (scraper.crawl.limits): an answer over its limit, in bytes received or once
decompressed, or with a gzip body that does not decompress, is archived as received (cut at the
limit, `WARC-Truncated: length`, if it was still coming) and failed with a reason the summary
names; the next plain run fetches it again. Real crawls through `bulletins crawl` over loopback."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

try:  # Scrapy's br decoder: one or the other is installed with it
    import brotli
except ImportError:
    import brotlicffi as brotli

from scraper.crawl.limits import CorruptBody, decompresses_beyond
from scraper.processes import run_measured
from scraper.replica import Board, ReplicaServer
from scraper.replica.pages import view_path
from scraper.replica.server import _Response

from .conftest import BIN, run_cli

TODAY = {"BULLETINS_TODAY": "2026-11-30"}  # the horizon never depends on the calendar
SMALL = {"BULLETINS_MAX_PAGE_SIZE": "200000", "BULLETINS_MAX_ATTACHMENT_SIZE": "300000"}
TCP_READ = 65_536  # Twisted reads at most this much at a time: a stopped body ends within it


class AnsweringReplica(ReplicaServer):
    """The replica, with answers of our own (bytes sent as given) at the paths in `answers`."""

    def __init__(self, board: Board):
        super().__init__(board, flaky=False)
        self.answers: dict[str, _Response] = {}

    def _respond(self, raw_path: str):
        from urllib.parse import unquote, urlsplit

        answers = {unquote(path): answer for path, answer in self.answers.items()}
        answer = answers.get(unquote(urlsplit(raw_path).path))
        return answer if answer is not None else super()._respond(raw_path)


def page(body: bytes, *, coding: str | None = None) -> _Response:
    """An HTML answer sent raw: with `coding`, the body is already compressed (or broken) so."""
    headers = [("Content-Encoding", coding)] if coding else []
    return _Response(200, body, "text/html; charset=utf-8", headers=headers, html=False)


def crawl(folder: Path, server: ReplicaServer, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli(*crawl_args(folder, server), cwd=folder, env={**TODAY, **(env or {})})


def crawl_args(folder: Path, server: ReplicaServer) -> list[str]:
    return ["crawl", "gyeonggi-en", "--base-url", server.base_url, "--json",
            "--database-url", f"sqlite:///{folder / 'b.sqlite'}", "--warc-dir", str(folder / "warc")]


def summary(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)


def query(folder: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(folder / "b.sqlite") as con:
        return con.execute(sql, args).fetchall()


def stored(folder: Path, article_id: int) -> bool:
    return bool(query(folder, "select 1 from article where board_id = ? and warc_record_id is not null",
                      str(article_id)))


def response_records(folder: Path, url: str) -> list[tuple[dict[str, str], dict[str, str], bytes]]:
    """(WARC headers, HTTP headers, payload as stored) of every response record for `url`."""
    found = []
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                    found.append((dict(record.rec_headers.headers), dict(record.http_headers.headers),
                                  record.raw_stream.read()))
    return found


def assert_archives_pass_warcio_check(folder: Path) -> None:
    paths = sorted((folder / "warc").glob("*.warc.gz"))
    assert paths
    for path in paths:
        check = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def failed(result: subprocess.CompletedProcess) -> dict[str, str]:
    out = summary(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert out["status"] == "incomplete", out
    return {entry["url"]: entry["reason"] for entry in out["failed_pages"]}


def gzip_bomb(size: int, chunk: int = 1 << 20) -> bytes:
    """`size` zero bytes, gzipped a chunk at a time (about 1 KB of gzip per MB)."""
    packer, zeros, parts = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS), bytes(chunk), []
    for _ in range(size // chunk):
        parts.append(packer.compress(zeros))
    parts.append(packer.flush())
    return b"".join(parts)


def html_of(size: int) -> bytes:
    filler = b"<p>A paragraph of a very long press release.</p>\n" * (size // 50 + 1)
    return (b"<html><body>" + filler)[:size - len(b"</body></html>")] + b"</body></html>"


@pytest.fixture
def board() -> Board:
    return Board(articles=12)


# --- the decompression check on its own ---------------------------------------------------

PAGE = html_of(300_000)
GZ = gzip.compress(PAGE, mtime=0)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _flip(data: bytes, at: int) -> bytes:
    flipped = bytearray(data)
    flipped[at] ^= 0xFF
    return bytes(flipped)


@pytest.mark.parametrize("body, coding", [
    (GZ, "gzip"), (GZ, "x-gzip"), (GZ + GZ, "gzip"), (GZ + bytes(8), "gzip"),
    (zlib.compress(PAGE), "deflate"), (_raw_deflate(PAGE), "deflate"),
], ids=["gzip", "x-gzip", "two-members", "zero-padding", "zlib-deflate", "raw-deflate"])
def test_the_decompressed_size_is_measured_against_the_limit(body, coding):
    size = len(PAGE) * (2 if body == GZ + GZ else 1)
    assert decompresses_beyond(body, coding, size) is False
    assert decompresses_beyond(body, coding, size - 1) is True


def test_a_bomb_is_measured_no_further_than_a_step_past_the_limit():
    bomb = gzip_bomb(64 << 20)
    assert decompresses_beyond(bomb, "gzip", 1_000_000) is True
    assert decompresses_beyond(bomb, "gzip", 64 << 20) is False


@pytest.mark.parametrize("body, said", [
    (_flip(GZ, -8), "incorrect data check"),  # CRC-32
    (_flip(GZ, -4), "incorrect length check"),  # ISIZE
    (GZ[:len(GZ) // 2], "truncated"),
    (GZ[:-3], "truncated"),
    (b"<html>not gzip at all</html>", "incorrect header check"),
    (GZ + b"<!-- appended -->", "data after the end of the gzip stream"),
], ids=["bad-crc", "bad-length", "cut-mid-stream", "cut-in-trailer", "garbage", "trailing-garbage"])
def test_a_gzip_body_python_would_refuse_is_corrupt(body, said):
    with pytest.raises(CorruptBody) as raised:
        decompresses_beyond(body, "gzip", 10**9)
    assert str(raised.value) == said
    with pytest.raises((OSError, EOFError)):
        gzip.decompress(body)  # what reparse (storage.webarchive.warc.decoded_payload) would meet


# --- crawls --------------------------------------------------------------------------------

def test_a_page_still_coming_at_its_limit_is_archived_cut_and_failed_until_the_site_is_fixed(tmp_path, board):
    article = board.articles[3]
    url_path = view_path(article.id)
    big = html_of(450_000)
    with AnsweringReplica(board) as server:
        server.answers[url_path] = page(big)
        url = server.url(url_path)
        first = crawl(tmp_path, server, SMALL)
        reasons = failed(first)
        assert reasons == {url: "too large: more than 200,000 bytes (BULLETINS_MAX_PAGE_SIZE)"}
        assert summary(first)["unfinished_by_reason"] == {"too large": 1}
        assert not stored(tmp_path, article.id)
        assert stored(tmp_path, board.articles[4].id)  # the others are stored
        assert query(tmp_path, "select kind, url from unfinished") == [("article", url)]
        [(warc_headers, http_headers, payload)] = response_records(tmp_path, url)
        assert warc_headers["WARC-Truncated"] == "length"
        assert 200_000 < len(payload) <= 200_000 + TCP_READ and big.startswith(payload)
        # the length of what is archived, so a replay does not wait for the rest that never came
        assert http_headers["Content-Length"] == str(len(payload))
        assert_archives_pass_warcio_check(tmp_path)

        del server.answers[url_path]  # the site is fixed
        second = crawl(tmp_path, server, SMALL)
    assert second.returncode == 0, second.stdout + second.stderr
    assert summary(second)["status"] == "ok"
    assert stored(tmp_path, article.id)
    assert query(tmp_path, "select count(*) from unfinished") == [(0,)]
    assert "WARC-Truncated" not in response_records(tmp_path, url)[-1][0]


def test_a_compressed_page_over_its_limit_once_decompressed_is_archived_whole_and_failed(tmp_path, board):
    gzipped, deflated = board.articles[2], board.articles[5]
    bombs = {gzipped.id: (gzip_bomb(20 << 20), "gzip"),  # 20 KB of gzip, 20 MB of zeros
             deflated.id: (zlib.compress(html_of(1_000_000)), "deflate")}
    with AnsweringReplica(board) as server:
        for article_id, (body, coding) in bombs.items():
            server.answers[view_path(article_id)] = page(body, coding=coding)
        result = crawl(tmp_path, server, SMALL)
        urls = {article_id: server.url(view_path(article_id)) for article_id in bombs}
    assert failed(result) == {url: "too large: decompresses to more than 200,000 bytes (BULLETINS_MAX_PAGE_SIZE)"
                              for url in urls.values()}
    for article_id, (body, coding) in bombs.items():
        assert not stored(tmp_path, article_id)
        [(warc_headers, http_headers, payload)] = response_records(tmp_path, urls[article_id])
        assert "WARC-Truncated" not in warc_headers
        assert payload == body and http_headers["Content-Encoding"] == coding  # compressed, whole
    assert_archives_pass_warcio_check(tmp_path)


def test_a_brotli_page_is_held_to_the_page_limit_by_scrapys_own_check(tmp_path, board):
    """br has no check of ours: Scrapy's, while it decompresses, is given the page limit."""
    article = board.articles[8]
    body = brotli.compress(bytes(20 << 20))
    with AnsweringReplica(board) as server:
        server.answers[view_path(article.id)] = page(body, coding="br")
        result = crawl(tmp_path, server, SMALL)
        url = server.url(view_path(article.id))
    [(reason_url, reason)] = failed(result).items()
    assert reason_url == url and reason.startswith("IgnoreRequest: ")
    assert "exceeded DOWNLOAD_MAXSIZE (200000 B) during decompression" in result.stderr
    assert not stored(tmp_path, article.id)
    [(_, _, payload)] = response_records(tmp_path, url)
    assert payload == body
    # no warcio check here: warcio 1.8 cannot decode br with Google's brotli (webrecorder/warcio#73)


def test_an_attachment_is_held_to_its_own_limit(tmp_path):
    board = Board(articles=12, attachment_every=3)
    with_attachments = [article for article in board.articles if article.attachments]
    too_big, fits = with_attachments[0].attachments[0], with_attachments[1].attachments[0]
    with AnsweringReplica(board) as server:
        # over the page limit (200,000) both; only the first over the attachment limit (300,000)
        server.answers[too_big.url_path] = _Response(200, bytes(500_000), too_big.content_type)
        server.answers[fits.url_path] = _Response(200, bytes(250_000), fits.content_type)
        result = crawl(tmp_path, server, SMALL)
        too_big_url, fits_url = server.url(too_big.url_path), server.url(fits.url_path)
    assert failed(result) == {too_big_url: "too large: more than 300,000 bytes (BULLETINS_MAX_ATTACHMENT_SIZE)"}
    assert query(tmp_path, "select kind, url from unfinished") == [("attachment", too_big_url)]
    assert query(tmp_path, "select warc_record_id from attachment where url = ?", too_big_url) == [(None,)]
    [(size, record_id)] = query(tmp_path, "select size, warc_record_id from attachment where url = ?", fits_url)
    assert size == 250_000 and record_id is not None
    assert all(stored(tmp_path, article.id) for article in board.articles)  # the pages are fine
    [(warc_headers, _, payload)] = response_records(tmp_path, too_big_url)
    assert warc_headers["WARC-Truncated"] == "length" and 300_000 < len(payload) <= 300_000 + TCP_READ
    # a cut record never enters the digest index: no later answer becomes a revisit of it
    assert query(tmp_path, "select url from payloaddigest where url = ?", too_big_url) == []
    assert_archives_pass_warcio_check(tmp_path)


def test_a_corrupt_gzip_page_is_archived_as_received_and_failed_until_the_site_is_fixed(tmp_path, board):
    bad_crc, cut = board.articles[1], board.articles[6]
    with AnsweringReplica(board) as server:
        bodies = {}
        for article, spoil, said in ((bad_crc, lambda gz: _flip(gz, -8), "incorrect data check"),
                                     (cut, lambda gz: gz[:len(gz) // 2], "truncated")):
            original = server._respond(view_path(article.id)).body
            bodies[article.id] = (spoil(gzip.compress(original, mtime=0)), said)
            server.answers[view_path(article.id)] = page(bodies[article.id][0], coding="gzip")
        first = crawl(tmp_path, server, SMALL)
        urls = {article_id: server.url(view_path(article_id)) for article_id in bodies}
        assert failed(first) == {urls[article_id]: f"corrupt gzip body: {said}"
                                 for article_id, (_, said) in bodies.items()}
        for article_id, (body, _) in bodies.items():
            assert not stored(tmp_path, article_id)
            [(warc_headers, _, payload)] = response_records(tmp_path, urls[article_id])
            assert payload == body and "WARC-Truncated" not in warc_headers
        assert_archives_pass_warcio_check(tmp_path)

        server.answers.clear()
        second = crawl(tmp_path, server, SMALL)
    assert second.returncode == 0, second.stdout + second.stderr
    assert summary(second)["status"] == "ok"
    assert all(stored(tmp_path, article_id) for article_id in bodies)


@pytest.fixture(scope="session")
def one_gib_bomb(pytestconfig) -> bytes:
    """1 GiB of zeros in about 1 MB of gzip, made once and kept in pytest's cache."""
    path = pytestconfig.cache.mkdir("gzip-bomb") / "1gib.gz"
    if not path.exists():
        path.write_bytes(gzip_bomb(1 << 30))
    return path.read_bytes()


def test_a_1_gib_gzip_bomb_fails_at_the_default_limit_without_the_memory_it_would_take(
        tmp_path, board, one_gib_bomb):
    article = board.articles[0]
    with AnsweringReplica(board) as server:
        server.answers[view_path(article.id)] = page(one_gib_bomb, coding="gzip")
        env = {**os.environ, **TODAY}
        for name in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR", "BULLETINS_MAX_PAGE_SIZE",
                     "BULLETINS_MAX_ATTACHMENT_SIZE"):
            env.pop(name, None)  # the default limits
        with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
            command = [str(BIN / "bulletins"), *crawl_args(tmp_path, server)]
            status, peak = run_measured(command, cwd=tmp_path, env=env, stdout=out, stderr=err, text=True)
        url = server.url(view_path(article.id))
    result = subprocess.CompletedProcess(command, status, (tmp_path / "out").read_text(),
                                         (tmp_path / "err").read_text())
    assert failed(result) == {url: "too large: decompresses to more than 5,000,000 bytes (BULLETINS_MAX_PAGE_SIZE)"}
    assert not stored(tmp_path, article.id)
    peak_mb = peak / 1024 / 1024  # this crawl's own peak, no other process's
    assert peak_mb < 500, f"peak memory {peak_mb:.0f} MB"
    [(_, _, payload)] = response_records(tmp_path, url)
    assert payload == one_gib_bomb


@pytest.mark.parametrize("name, value", [("BULLETINS_MAX_PAGE_SIZE", "5MB"),
                                         ("BULLETINS_MAX_ATTACHMENT_SIZE", "0")])
def test_a_size_limit_that_is_no_whole_number_is_a_one_line_error(tmp_path, name, value):
    result = run_cli("crawl", "gyeonggi-en", "--base-url", "http://127.0.0.1:9", cwd=tmp_path,
                     env={name: value})
    assert (result.returncode, result.stderr.strip().splitlines()) == (2, [
        f"bulletins: error: {name} must be a whole number of at least 1, got {value!r}"])
