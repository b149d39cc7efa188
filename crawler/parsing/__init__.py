"""Document parsing: bytes of a report (HTML, DOCX, PDF, text) in, a typed report out. Pure: no I/O."""
