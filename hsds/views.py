"""The HSDS download (issue 17)."""
