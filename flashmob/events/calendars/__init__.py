"""Calendars: iCalendar files and feeds, the invitations emails carry, and the links to subscribe."""
