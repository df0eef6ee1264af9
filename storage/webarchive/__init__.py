"""The web archive on disk: WARC writing and reading, repair, CDXJ index, WACZ packages."""
