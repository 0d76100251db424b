"""Opaque, time-ordered identifiers for URLs and the API.

Python 3.11 has no ``uuid.uuid7`` (it arrives in 3.14), and a UUIDv7 keeps new rows close together
in B-tree indexes where a random UUIDv4 scatters them; so we build one here from RFC 9562 §5.7.
"""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A UUIDv7: 48 bits of Unix milliseconds, then 74 random bits."""
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)
