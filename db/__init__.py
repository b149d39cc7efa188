"""Storage layer: settings, data model, sessions and the blob store. Imports no other project package."""
