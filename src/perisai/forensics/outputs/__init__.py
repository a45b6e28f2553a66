"""What a scan leaves in its out folder: items, VICS findings, HTML report, signed manifest."""
