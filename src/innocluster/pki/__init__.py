"""The platform's public-key infrastructure: its key store, certification authority, timestamp
authority, CMS/PAdES signatures and their verification reports."""
