"""The append-only transparency log (issue 3): a Merkle tree by RFC 6962 / RFC 9162."""
