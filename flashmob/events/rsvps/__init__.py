"""RSVPs: seats, the waitlist and offers of freed seats, and the attendee list."""
