"""Takeaway write-ups: what an evening learnt, its lessons, the voices behind them, its question."""
