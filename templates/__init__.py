"""Jinja2 templates and the files `init` scaffolds (package data)."""
