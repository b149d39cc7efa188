"""The `disclosure` command: the front door over every layer (db, crawler, monitor, dashboards)."""
