"""Electronic document circulation: documents, versions, signing routes, signatures, receipts."""
