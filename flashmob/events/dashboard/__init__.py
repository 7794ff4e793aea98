"""The organiser's dashboard: their chapters' evenings, what needs them, and figures over time."""
