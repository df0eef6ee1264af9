"""A one-file HTML report of the archive: charts drawn here as inline SVG, no scripts, no fonts,
no outside URLs, so the file opens anywhere, offline, and can be mailed or archived as it is.

Charts: articles per month of publication per source (stacked bars), the language mix per source
(100 % bars), the view-count series of the ten most viewed articles (lines over the
`viewobservation` table), a summary table per source, and the health of each source (its last
crawl run and a verdict: storage.database.health, as `bulletins status`). Every chart element carries its
numbers as data-* attributes and a <title> tooltip. The queries are SQLAlchemy Core, so the
report reads SQLite and PostgreSQL alike.

The package: `data` (the queries: what the report shows, as ReportData), `charts` (the inline
SVG charts and what draws them: scales, ticks, colours), `page` (the HTML page: the tables, the
style sheet, `render` and `write_report`).
"""
