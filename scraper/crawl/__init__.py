"""Crawling: spiders navigate, middlewares and the pipeline handle each exchange and item, run starts it."""
