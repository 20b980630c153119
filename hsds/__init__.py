"""The published directory as Open Referral HSDS 3.0 (issue 17): the tables
(tables.py, which says why this shape), the download (download.py), the
vendored official schemas with their README and licence (schema/)."""
