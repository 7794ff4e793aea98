"""Members: accounts, profiles, connections and networking."""
