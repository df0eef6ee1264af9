"""Presentation: the HTML report and the Datasette configuration."""
