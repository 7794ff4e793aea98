"""Check-in on the night: the door list, walk-ins, tickets and the attendee CSV."""
