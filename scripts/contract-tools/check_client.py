"""Every operation of the OpenAPI document became a function of the generated Python client.

openapi-python-client writes one module per operation, api/<tag>/<operation_id>.py, with sync_detailed();
an operation it could not read is left out with a warning. Usage: check_client.py DOCUMENT CLIENT_PACKAGE_DIR
"""

import json
import pathlib
import re
import sys


def snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()).strip("_")


def main() -> int:
    document = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
    package = pathlib.Path(sys.argv[2])
    generated = {
        path.stem
        for path in (package / "api").rglob("*.py")
        if path.name != "__init__.py" and "def sync_detailed(" in path.read_text(encoding="utf-8")
    }
    operations = [
        (method.upper(), path, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    missing = [(m, p, o) for m, p, o in operations if snake(o) not in generated]
    print(f"python client: {len(operations) - len(missing)} of {len(operations)} operations generated")
    for method, path, operation_id in missing:
        print(f"  missing: {operation_id} ({method} {path})")
    return 1 if missing or not operations else 0


if __name__ == "__main__":
    sys.exit(main())
