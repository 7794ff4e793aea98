"""Benchmarks: how fast the important pages are, how many SQL statements they run, and RSVPs under load.

Speed targets are measured here, never by timed tests. Results are in bench/RESULTS.md.
"""
