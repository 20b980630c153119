"""The API's views (filled in by issue 17)."""
