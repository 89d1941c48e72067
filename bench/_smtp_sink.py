"""A counting SMTP sink for benchmarks: accepts every message, keeps a count
in a file (written at most every 0.2 s)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, out: Path) -> None:
        self.count = 0
        self.out = out
        self.last = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.count += 1
        now = time.monotonic()
        if now - self.last > 0.2:
            self.out.write_text(str(self.count))
            self.last = now
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    handler = Counter(out)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(0.2)
            out.write_text(str(handler.count))
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
