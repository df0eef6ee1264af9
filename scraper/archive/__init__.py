"""The archive's operations: capture every exchange to WARC, package (CDXJ, WACZ), replay, reparse."""
