"""Full-text search over article titles and bodies, Korean and English alike.

What a query means
------------------
The query is split into terms at whitespace; a "quoted phrase" is one term, spaces included.
An article matches when its title or body contains every term as a substring, without regard to
case (so "협력" finds "국제협력네트워크", and "cooperat" finds "Cooperation"). Filters: source,
language, and the published month (`since`/`until`, YYYY-MM, both included; an article without
a date is left out when either is given).

Ranking
-------
1. articles with more of the terms in their title first (title matches above body matches);
2. then more occurrences of the terms in title and body together;
3. then newer (published date; undated last), then the higher row id.

`score` is 1000 x (terms in the title) + occurrences (at most 999), so higher is better; it
follows the order above except among equal scores, which the date decides.

To answer in milliseconds at any size, ranking looks at a bounded set of candidates: the
CANDIDATES newest matches (by published date) with a term in the title, and the CANDIDATES
newest matches of all. The order is exact whenever a query has at most that many matches of
each kind; for broader queries (a term in half the archive) the best of the newest are shown.
Snippets are made in Python for the rows shown only: the body around the first match, matches
in [brackets], whitespace collapsed.

SQLite
------
`article_fts`, an FTS5 table with the trigram tokenizer over `article` (external content, kept in
step by triggers, new and changed articles once per commit; see storage.database.models.SQLITE_SEARCH_DDL and
index_pending), finds the matches of terms of three or
more characters: each is a phrase of its trigrams. Trigrams cannot find shorter terms, and
Korean queries are often two syllables ("경기", "도청"), so:

- a two-character term is looked up as every indexed trigram that starts with it (read from
  the index's vocabulary, an fts5vocab table), which finds each occurrence followed by
  another character; an occurrence at the very end of a title or body has no such trigram,
  so articles whose title or body ends with the term are added from two small expression
  indexes (ix_article_title_tail, ix_article_body_tail), checked with LIKE for every term.
  The result is exactly what `title LIKE '%term%' OR body_text LIKE '%term%'` selects, from
  indexes;
- a one-character term, or a two-character one that begins more than MAX_EXPANSION distinct
  trigrams, falls back to LIKE: checked on the matches of the other terms when there are
  any, else by scanning the articles newest first (slow on a large archive: a LIKE over every
  title and body).

Candidates' dates, source and language come from the covering index ix_article_search, not
the rows, so a term found in tens of thousands of articles still costs only the index walk.

PostgreSQL
----------
Two kinds of GIN index serve it. pg_trgm's, ix_article_title_trgm / ix_article_body_trgm, serve
`title ILIKE '%term%' OR body_text ILIKE '%term%'` for a term of three or more characters (LIKE
for a term without upper/lower case, such as Korean: the same result, cheaper). pg_trgm indexes
only the letters and digits of the database's LC_CTYPE: in a database created with LC_CTYPE=C,
Hangul is neither, so Korean queries of three or more syllables still work but scan; the
database needs a UTF-8 LC_CTYPE (C.UTF-8, ko_KR.UTF-8, en_US.UTF-8...). Terms of one or two
characters have no trigram (Korean words are often two syllables: "경기", "도청"): the gram
indexes of migration 0006 (storage.database.models.POSTGRES_GRAMS_DDL) serve them. `article_grams(title,
body)` is every character and every pair of adjacent characters of the lower-cased title and
body (pairs holding whitespace left out), indexed for titles (ix_article_title_grams) and for
title and body together (ix_article_grams). A term of one or two characters is in an article
exactly when its key (the term, lower-cased by the database as ILIKE would) is among those
grams; a longer term stands for its pairs, which its articles must have, and LIKE / ILIKE then
decides on those rows. It does not depend on LC_CTYPE.

- A query with a term of one or two characters: one condition, `grams @> the keys of every
  term` (the titles' grams for the title tier of a one-term query, else those of title and
  body), which the index answers exactly. LIKE / ILIKE for the longer terms, and which term is
  in the title when there are several, are wrapped in `IS TRUE`, where no index looks: no
  trigram index joins in (its bitmap is always rechecked, and that recheck would compute the
  grams of its rows), and the function's COST keeps the planner from computing grams row by
  row instead of reading the index.
- The title tier of a one-term query, whatever its length: the titles' grams, then LIKE /
  ILIKE on those titles (the trigram index's estimates often had the planner walk tens of
  thousands of titles newest first).
- Otherwise (terms of three or more characters): each term's condition narrows the rows
  through the trigram indexes, and the titles are checked on the rows left; for a frequent
  term the planner may walk the published index newest first and stop early.

A term found in many titles costs more than a rare one: the rows are visited before sorting by
date (a term in 15,000 titles about 25 ms at 100,000 articles, a single character in 40,000
about 80 ms). A bitmap must stay exact: a lossy one rechecks its rows, which computes their
grams (1.4 s instead of 19 ms for "경기" at 100,000 articles). It needs about 64 bytes of
work_mem per table page, and the default 4 MB is outgrown at some 250,000 articles, so such a
search raises work_mem to GRAMS_WORK_MEM for its transaction (a cap, not an allocation).
pg_bigm, which indexes pairs too, is not used: Debian does not package it, and these indexes
need no extension.

Candidates are chosen as on SQLite (newest first, per tier; undated articles come first among
them, the index's order) and ranked by the same Python code, so both databases give the same
order.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import bindparam, text
from sqlmodel import Session

from .months import month_span

CANDIDATES = 300  # newest matches ranked per tier (title matches, all matches)
MAX_EXPANSION = 400  # trigrams a two-character term may stand for before LIKE takes over
SHORT = 2  # PostgreSQL: a query with a term this short (no trigram) uses the gram indexes
GRAMS_WORK_MEM = "64MB"  # PostgreSQL: room for exact bitmaps of ~1M table pages (~5M articles)
MAX_TERMS = 16
MAX_QUERY_LENGTH = 500
SNIPPET_BEFORE, SNIPPET_LENGTH = 60, 200

__all__ = ["Hit", "SearchError", "search", "parse_terms", "mark", "CANDIDATES"]


class SearchError(ValueError):
    """A query or filter that cannot be searched; the message is one line."""


@dataclass
class Hit:
    id: int
    source: str
    board_id: str
    url: str
    title: str | None
    published: date | None
    language: str | None
    score: int
    snippet: str
    title_hits: int
    occurrences: int

    def as_dict(self) -> dict:
        found = asdict(self)
        found["published"] = self.published.isoformat() if self.published else None
        return found


# --------------------------------------------------------------------------- the query

_TERM = re.compile(r'"([^"]*)"|(\S+)')


def parse_terms(query: str) -> list[str]:
    """The query's terms: "quoted phrases" whole (inner whitespace collapsed), other words split
    at whitespace; a stray quote is dropped; repeated terms (ignoring case) count once."""
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchError(f"query too long ({len(query)} characters, at most {MAX_QUERY_LENGTH})")
    terms: list[str] = []
    seen: set[str] = set()
    for quoted, word in _TERM.findall(query):
        term = " ".join(quoted.split()) if quoted else word.replace('"', "")
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    if not terms:
        raise SearchError('empty query: give a word or a "phrase" to search for')
    if len(terms) > MAX_TERMS:
        raise SearchError(f"too many terms ({len(terms)}, at most {MAX_TERMS})")
    return terms


def month_range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """(first day of `since`, first day after `until`) for YYYY-MM months; SearchError if bad."""
    try:
        return month_span(since, until)
    except ValueError as exc:
        raise SearchError(str(exc)) from None


def _pattern(terms: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def mark(text: str, terms: list[str]) -> str:
    """`text` with every match of the terms in [brackets]."""
    return _pattern(terms).sub(lambda m: f"[{m.group(0)}]", text)


# --------------------------------------------------------------------------- search


def search(
    db: Session,
    query: str,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    language: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The best `limit` articles for the query (see the module docstring), best first. `language`
    is compared with the stored code as given (ko, en, zh-cn: the CLI checks and case-folds it)."""
    terms = parse_terms(query)
    if limit < 1:
        raise SearchError(f"--limit: expected a positive number, got {limit}")
    start, end = month_range(since, until)
    filters = _Filters(source, language, start, end)
    connection = db.connection()
    finder = (
        _SQLite(connection, terms, filters)
        if connection.dialect.name == "sqlite"
        else _Postgres(connection, terms, filters)
    )
    depth = max(CANDIDATES, limit)
    ids = finder.candidates(title_only=True, limit=depth)
    if len(ids) < limit:  # the title tier does not fill the page: rank the body matches too
        ids += finder.candidates(title_only=False, limit=depth)
    return _rank(connection, terms, list(dict.fromkeys(ids)), limit)


@dataclass(frozen=True)
class _Filters:
    source: str | None
    language: str | None
    start: date | None
    end: date | None

    def sql(self, alias: str, params: dict, iso_dates: bool) -> list[str]:
        where = []
        if self.source is not None:
            where.append(f"{alias}.source = :f_source")
            params["f_source"] = self.source
        if self.language is not None:
            where.append(f"{alias}.language = :f_language")
            params["f_language"] = self.language
        if self.start is not None:
            where.append(f"{alias}.published >= :f_start")
            params["f_start"] = self.start.isoformat() if iso_dates else self.start
        if self.end is not None:
            where.append(f"{alias}.published < :f_end")
            params["f_end"] = self.end.isoformat() if iso_dates else self.end
        return where


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(alias: str, name: str, columns: tuple[str, ...], op: str) -> str:
    return "(" + " OR ".join(f"{alias}.{c} {op} :{name} ESCAPE '\\'" for c in columns) + ")"


class _SQLite:
    def __init__(self, connection, terms: list[str], filters: _Filters):
        self.connection = connection
        self.terms = terms
        self.filters = filters
        self.phrases: dict[str, str] = {}  # term -> FTS5 expression
        self.tails: list[str] = []  # two-character terms looked up by trigram prefix
        self.like_only: list[str] = []  # terms checked with LIKE
        self.nothing = False  # some trigram expansion is empty: FTS finds nothing
        for term in terms:
            if len(term) >= 3:
                self.phrases[term] = _phrase(term)
            elif len(term) == 2:
                grams = self._expansion(term)
                if grams is None:
                    self.like_only.append(term)
                else:
                    self.tails.append(term)
                    self.nothing |= not grams
                    self.phrases[term] = "(" + " OR ".join(_phrase(g) for g in grams) + ")"
            else:
                self.like_only.append(term)

    def _expansion(self, term: str) -> list[str] | None:
        """The indexed trigrams that start with a two-character term; None if too many."""
        self.connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.article_fts_vocab USING fts5vocab(main, article_fts, 'row')"
        )
        low = term.lower()
        rows = (
            self.connection.execute(
                text("SELECT term FROM temp.article_fts_vocab WHERE term >= :low AND term < :high LIMIT :n"),
                {"low": low, "high": low + "\U0010ffff", "n": MAX_EXPANSION + 1},
            )
            .scalars()
            .all()
        )
        grams = [g for g in rows if g.startswith(low) and len(g) == 3]
        return None if len(rows) > MAX_EXPANSION else grams

    def candidates(self, title_only: bool, limit: int) -> list[int]:
        params: dict = {"limit": limit}
        like_all = []
        for i, term in enumerate(self.terms):
            params[f"t{i}"] = _like(term)
            like_all.append(_contains("x", f"t{i}", ("title", "body_text"), "LIKE"))
        title_any = "(" + " OR ".join(_contains("x", f"t{i}", ("title",), "LIKE") for i in range(len(self.terms))) + ")"
        arms = []
        if self.phrases and not self.nothing:
            expression = " AND ".join(self.phrases.values())
            if self.like_only:  # checked on the rows: the title condition with LIKE too
                checks = [like_all[self.terms.index(t)] for t in self.like_only]
                if title_only:
                    checks.append(title_any)
                params["fts"] = expression
                arms.append(
                    "SELECT f.rowid AS id FROM article_fts AS f JOIN article AS x ON x.id = f.rowid "
                    f"WHERE f.article_fts MATCH :fts AND {' AND '.join(checks)}"
                )
            else:
                if title_only:
                    expression = (
                        f"({expression}) AND (" + " OR ".join(f"title : {p}" for p in self.phrases.values()) + ")"
                    )
                params["fts"] = expression
                arms.append("SELECT rowid AS id FROM article_fts WHERE article_fts MATCH :fts")
        if self.tails:
            ends = []
            for j, term in enumerate(self.tails):
                params[f"e{j}"] = term.lower()
                ends += [f"lower(substr(x.title, -2)) = :e{j}", f"lower(substr(x.body_text, -2)) = :e{j}"]
            checks = like_all + ([title_any] if title_only else [])
            arms.append(f"SELECT x.id AS id FROM article AS x WHERE ({' OR '.join(ends)}) AND {' AND '.join(checks)}")
        order = "DESC NULLS LAST, {0}.id DESC LIMIT :limit"
        if not self.phrases:  # LIKE only: walk the articles newest first
            checks = like_all + ([title_any] if title_only else [])
            checks += self.filters.sql("x", params, iso_dates=True)
            sql = f"SELECT x.id FROM article AS x WHERE {' AND '.join(checks)} ORDER BY x.published {order.format('x')}"
        elif not arms:
            return []
        else:
            where = self.filters.sql("a", params, iso_dates=True)
            sql = (
                f"SELECT a.id FROM ({' UNION ALL '.join(arms)}) AS m "
                f"JOIN article AS a INDEXED BY ix_article_search ON a.id = m.id "
                f"{'WHERE ' + ' AND '.join(where) if where else ''} "
                f"ORDER BY a.published {order.format('a')}"
            )
        return list(dict.fromkeys(self.connection.execute(text(sql), params).scalars()))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class _Postgres:
    def __init__(self, connection, terms: list[str], filters: _Filters):
        self.connection = connection
        self.terms = terms
        self.filters = filters
        self.short = any(len(t) <= SHORT for t in terms)
        self.keys: list[str] | None = None

    def _keys(self) -> list[str]:
        """The terms' keys in the gram indexes, made by the indexes' own function (so with the
        database's lower-casing): a term of one or two characters is one key, itself; a longer
        one stands for its pairs of characters (its characters if every pair holds a space)."""
        if self.keys is None:
            params = {f"t{i}": term for i, term in enumerate(self.terms)}
            row = self.connection.execute(
                text(
                    "SELECT " + ", ".join(f"article_grams(CAST(:t{i} AS text), NULL)" for i in range(len(self.terms)))
                ),
                params,
            ).one()
            keys: list[str] = []
            for grams in row:
                keys += [g for g in grams if len(g) == 2] or grams
            self.keys = list(dict.fromkeys(keys))
            # A bitmap larger than work_mem turns lossy: its rows would be rechecked, computing
            # their grams (seconds). For this transaction only, never lowered.
            self.connection.execute(
                text(
                    "SELECT set_config('work_mem', :size, true) WHERE "
                    "pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(:size)"
                ),
                {"size": GRAMS_WORK_MEM},
            )
        return self.keys

    def candidates(self, title_only: bool, limit: int) -> list[int]:
        params: dict = {"limit": limit}
        for i, term in enumerate(self.terms):
            params[f"t{i}"] = _like(term)
        # The gram indexes for a short term; and for one term in the titles, where the trigram
        # index's estimates often send the planner walking tens of thousands of titles.
        grams = self.short or (title_only and len(self.terms) == 1)
        checks = self._gram_checks(title_only, params) if grams else self._trigram_checks(title_only)
        checks += self.filters.sql("a", params, iso_dates=False)
        # The published index's own order (undated first): the planner can walk it newest
        # first and stop at `limit` matches, which for a frequent term is far cheaper than
        # collecting every match; rare terms go through the trigram or gram indexes.
        sql = (
            f"SELECT a.id FROM article AS a WHERE {' AND '.join(checks)} "
            "ORDER BY a.published DESC, a.id DESC LIMIT :limit"
        )
        return list(self.connection.execute(text(sql), params).scalars())

    def _contains(self, i: int, columns: tuple[str, ...]) -> str:
        # ILIKE folds case at every row (costly); a term without cased letters (Korean,
        # digits) means the same with LIKE, three times faster.
        term = self.terms[i]
        return _contains("a", f"t{i}", columns, "LIKE" if term.lower() == term.upper() else "ILIKE")

    def _trigram_checks(self, title_only: bool) -> list[str]:
        """Terms of three or more characters anywhere (or several of them in the title tier: one
        alone goes through the titles' grams): LIKE / ILIKE, which the pg_trgm indexes serve."""
        anywhere = [self._contains(i, ("title", "body_text")) for i in range(len(self.terms))]
        if not title_only:
            return anywhere
        # Each term's trigrams narrow the rows down and the titles are checked on what is left
        # (`IS TRUE`: no index looks into it); checking titles first would read the body of
        # every row with one of the terms in its title.
        titles = "(" + " OR ".join(self._contains(i, ("title",)) for i in range(len(self.terms))) + ")"
        return anywhere + [f"{titles} IS TRUE"]

    def _gram_checks(self, title_only: bool, params: dict) -> list[str]:
        """One condition on a gram index (every key of every term among the grams of the title,
        or of title and body), which the index answers exactly; then LIKE / ILIKE, in `IS TRUE`
        where no index looks, for what keys do not decide: longer terms, and which term is in
        the title when there are several. A plan never computes a row's grams: that is the
        index's only condition, and the function's COST keeps the planner off filtering by it."""
        params["keys"] = self._keys()
        if title_only and len(self.terms) == 1:  # one term: its keys in the title's grams
            checks = ['(article_grams(a.title, NULL) COLLATE "C") @> CAST(:keys AS text[])']
            return checks if self.short else checks + [f"{self._contains(0, ('title',))} IS TRUE"]
        checks = ['(article_grams(a.title, a.body_text) COLLATE "C") @> CAST(:keys AS text[])']
        checks += [
            f"{self._contains(i, ('title', 'body_text'))} IS TRUE"
            for i, term in enumerate(self.terms)
            if len(term) > SHORT
        ]
        if title_only:
            checks.append(
                "(" + " OR ".join(self._contains(i, ("title",)) for i in range(len(self.terms))) + ") IS TRUE"
            )
        return checks


# --------------------------------------------------------------------------- ranking


def _rank(connection, terms: list[str], ids: list[int], limit: int) -> list[Hit]:
    if not ids:
        return []
    rows = (
        connection.execute(
            text(
                "SELECT id, source, board_id, url, title, published, language, body_text FROM article WHERE id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        )
        .mappings()
        .all()
    )
    patterns = [re.compile(re.escape(t), re.IGNORECASE) for t in terms]
    scored = []
    for row in rows:
        title, body = row["title"] or "", row["body_text"] or ""
        in_title = [len(p.findall(title)) for p in patterns]
        in_body = [len(p.findall(body)) for p in patterns]
        if not all(a or b for a, b in zip(in_title, in_body)):
            continue  # a database's case folding found what Python's does not: leave it out
        title_hits = sum(1 for n in in_title if n)
        occurrences = sum(in_title) + sum(in_body)
        published = _as_date(row["published"])
        key = (-title_hits, -occurrences, -(published.toordinal() if published else 0), -row["id"])
        scored.append((key, row, published, title_hits, occurrences))
    scored.sort(key=lambda item: item[0])
    return [
        Hit(
            id=row["id"],
            source=row["source"],
            board_id=row["board_id"],
            url=row["url"],
            title=row["title"],
            published=published,
            language=row["language"],
            score=1000 * title_hits + min(occurrences, 999),
            snippet=snippet(row["body_text"] or "", terms),
            title_hits=title_hits,
            occurrences=occurrences,
        )
        for _, row, published, title_hits, occurrences in scored[:limit]
    ]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite through text(): 'YYYY-MM-DD'


def snippet(body: str, terms: list[str]) -> str:
    """About SNIPPET_LENGTH characters of the body around its first match, whitespace
    collapsed, matches in [brackets], '…' where cut; the body's start when it has no match."""
    flat = " ".join(body.split())
    found = _pattern(terms).search(flat)
    start = 0 if found is None else max(0, found.start() - SNIPPET_BEFORE)
    if start and found is not None:  # start is 0 without a match
        space = flat.find(" ", start, found.start())  # start at a word
        start = space + 1 if space != -1 else start
    end = min(len(flat), start + SNIPPET_LENGTH)
    if end < len(flat):
        space = flat.rfind(" ", max(start, (found.end() if found else start)), end)
        end = space if space != -1 else end
    piece = mark(flat[start:end], terms)
    return ("…" if start else "") + piece + ("…" if end < len(flat) else "")
