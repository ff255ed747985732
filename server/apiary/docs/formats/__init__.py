"""Readers for the documentation formats a local docs folder holds: reST, Markdown, built HTML."""
