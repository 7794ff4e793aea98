"""Who may change the archive's search vocabulary: one predicate, used by the view and its templates."""

from __future__ import annotations


def can_edit_search_vocabulary(user) -> bool:
    """Site admins and the organisers of any chapter add words the archive's search treats as one."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_admin or user.organised_chapter_ids)
