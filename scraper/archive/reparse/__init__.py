"""Re-extraction: run the page objects again over the archived responses, without the network.

Capture order: closed WARC files by the time they were opened (their warcinfo date), records in
the order written. A crawl writes its own files and fetches an article once, so an article's
newest capture is saved last and its values win. `.open` files (being written, or torn by a
crash until `bulletins archive repair`) are left aside.

A record is parsed when it is a 200 `response` and the source named by its file's warcinfo has a
page object for its URL (`Spider.page_for`), unless it is an attachment's download: an article
met before lists its URL (as requested) among its files, and it is not HTML or parses as an
article held under another URL. A download URL may carry its article's id
(`fileDown.do?nttId=…`): saved as the article, it would empty its fields. Other 200 responses
give attachments their real size and type (`record_download`). `revisit` records carry no
payload and are not parsed; one that repeats a payload read in this run, before it or after it
(`crawl --all` writes a file per source, and the original may be in a file read later), gives its
URL that payload's size.

`since` selects captures by their WARC-Date, not by article date: records are skipped before
parsing, and an article's newest capture is never left out while an older one is kept.

Parsing runs in worker processes (fork) fed chunks of records; reading the files and every
database write stay in this process, in capture order. Language detection, the costliest step,
runs once per distinct text (see Parser); a reparse leaves unchanged rows unwritten (see _Store).
Writes go through one unit of work (storage.database.unit_of_work), as a crawl's do: a row that cannot be
stored is named (`not stored: URL (why)`) and the others are kept.

The package: `files` (the WARC folder: closed files in capture order, their records, what the crawl
failed), `parsing` (the page objects over archived responses, in worker processes), `store` (the
database writes in capture order, and the report), `run` (`reparse()`, which drives them).
"""
