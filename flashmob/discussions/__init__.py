"""Discussions: comments and threads, takeaway write-ups and the lessons archive (to come)."""
