"""Events: chapters, evenings, RSVPs, check-in, calendars and messaging, one sub-package each."""
