"""Portal spiders (the generic `portal` spider arrives with the harvest step)."""
