"""The lessons archive: every published lesson across chapters, its themes, search, vocabulary and feeds."""
