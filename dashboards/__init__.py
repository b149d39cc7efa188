"""Web dashboard for oversight bodies (roadmap step 6). Uses monitor, crawler and db."""
