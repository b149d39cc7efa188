"""Harvest layer: the Scrapy project and the document parser. Uses db only."""
