"""Covers: a chapter's or an event's picture, uploaded by its organisers; a drawn default without one."""
