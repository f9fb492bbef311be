"""The package as installed code sees it: version, typing marker, and a cheap import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import gpuaas

ROOT = Path(__file__).resolve().parents[2]


def test_version_matches_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
    assert match is not None and match.group(1) == gpuaas.__version__


def test_the_package_is_typed() -> None:
    assert (Path(gpuaas.__file__).parent / "py.typed").is_file()


def _import_report() -> tuple[float, set[str]]:
    # CPU time, not wall time: on a loaded CI machine the wall clock measures the neighbours.
    code = (
        "import sys, time; t = time.process_time(); import gpuaas; "
        "print(time.process_time() - t); print(' '.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT / "src"
    ).stdout.splitlines()
    return float(out[0]), set(out[1].split())


def test_import_is_cheap_and_defers_httpx() -> None:
    # httpx alone takes ~200 ms to import: the client imports it when it is built, not before;
    # asyncio (~60 ms) waits for the first terminal, event stream or async call.
    best, modules = min(_import_report() for _ in range(3))
    assert "httpx" not in modules
    assert "asyncio" not in modules
    assert best < 0.2, f"import gpuaas took {best * 1000:.0f} ms of CPU"
