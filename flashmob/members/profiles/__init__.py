"""Profiles: what members say about themselves, their pictures and tags, shown to whom they choose."""
