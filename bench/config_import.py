"""Configuration import benchmark: key types by the thousand, into a new and into a configured database.

Prints the seconds of `import_configuration` (parsing and checking included) for 1,000 to 10,000 key
types, each with one product, and how the time per key type grows with their number.
Targets: 10,000 key types in under 5 s; time per key type at 10,000 within 1.5x of that at 1,000.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from salto_desk.services.configuration_file import import_configuration, parse_configuration
from salto_desk.storage import open_database

SIZES = (1_000, 2_000, 4_000, 10_000)


def document(key_types: int) -> str:
    administration = {
        "pms_id": "adm-1",
        "name": "Park Zeezicht",
        "salto_endpoint": "127.0.0.1:8090",
        "authorizations": [{"number": number, "name": f"Door group {number}"} for number in range(1, 11)],
        "key_types": [
            {
                "name": f"Key type {index}",
                "description": "Benchmark",
                "print_info": ["Welcome"],
                "granted": [1, 2],
                "denied": [3],
                "products": [{"name": f"Product {index}", "labels": ["Sea view"], "extras": ["Late check-out"]}],
            }
            for index in range(key_types)
        ],
        "encoders": [{"name": "Front desk", "external_id": "1"}],
    }
    return json.dumps({"format": "salto-desk-configuration", "version": 1, "administrations": [administration]})


def seconds_to_import(text: str, folder: Path, times: int) -> list[float]:
    database = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        spent = []
        for _ in range(times):  # the first import creates, the next ones update in place
            started = time.perf_counter()
            import_configuration(database, parse_configuration(text, "bench"))
            spent.append(time.perf_counter() - started)
        return spent
    finally:
        database.dispose()


def main() -> None:
    per_key_type: dict[int, float] = {}
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            first, again = seconds_to_import(document(size), Path(folder), 2)
        per_key_type[size] = first / size
        print(f"{size:>6,} key types: new database {first:.2f} s, again (update in place) {again:.2f} s")
    growth = per_key_type[SIZES[-1]] / per_key_type[SIZES[0]]
    print(f"10,000 key types: ratio to the 5 s target {first / 5:.2f}")
    print(f"time per key type at 10,000 / at 1,000: {growth:.2f} (target <= 1.5: linear)")


if __name__ == "__main__":
    main()
