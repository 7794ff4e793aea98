"""Demo data for a newcomer's first look (placeholder; filled in by the seed work)."""


def seed_demo(only_if_empty: bool = False) -> str:
    return "Nothing to seed yet."
