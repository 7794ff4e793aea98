"""Chapters: the city groups that run evenings, their members and organisers."""
