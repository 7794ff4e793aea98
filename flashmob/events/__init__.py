"""Events: chapters, events, RSVPs and waitlists, check-in and calendar feeds."""
