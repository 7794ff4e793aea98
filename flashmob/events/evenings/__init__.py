"""Evenings: the events themselves, their times and pages, and save-the-dates."""
