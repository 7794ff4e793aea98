"""Discussions: comments on evenings, write-ups and lessons, chapter boards, reports and moderation."""
