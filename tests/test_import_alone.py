"""Each service module imports on its own, first in a fresh interpreter (an import cycle shows
only in the order that starts it: ``services.geocoding`` → ``costs`` → ``planning_build`` →
``geocoding`` once broke ``import fieldcrm.services.geocoding`` while every test passed)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import fieldcrm.services


def test_every_service_module_imports_first_in_a_fresh_interpreter() -> None:
    names = [
        f"fieldcrm.services.{m.name}" for m in pkgutil.iter_modules(fieldcrm.services.__path__)
    ]
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('fieldcrm')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        failed.append(f'{name}: {exc}')\n"
        "print('\\n'.join(failed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip() == "", done.stdout
