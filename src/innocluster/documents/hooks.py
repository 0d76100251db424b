"""A test-only pause inside the signing transaction, so a test can kill the process there.

With ``INNOCLUSTER_TEST_PAUSE_AT=<point>`` in the environment, the service writes
``INNOCLUSTER_TEST_PAUSE_FILE`` (if set) and sleeps ``INNOCLUSTER_TEST_PAUSE_SECONDS`` (default 60)
when it reaches ``<point>``. Unset (always, outside tests), it does nothing.
"""

import os
import time


def pause_point(name: str) -> None:
    if os.environ.get("INNOCLUSTER_TEST_PAUSE_AT") != name:
        return
    marker = os.environ.get("INNOCLUSTER_TEST_PAUSE_FILE")
    if marker:
        with open(marker, "w") as handle:
            handle.write(name)
    time.sleep(float(os.environ.get("INNOCLUSTER_TEST_PAUSE_SECONDS", "60")))
