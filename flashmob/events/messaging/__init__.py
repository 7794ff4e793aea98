"""Messaging: event emails beyond one RSVP (changes, cancellations, reminders) and organiser messages."""
