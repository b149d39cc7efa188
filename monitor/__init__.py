"""Monitoring layer: registry, deadlines, rules, flags, scheduler, digests. Uses crawler and db."""
