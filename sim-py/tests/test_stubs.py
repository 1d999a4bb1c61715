"""The type stubs match the compiled module (mypy.stubtest), and the whole
package type-checks strictly against them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SIM_PY = Path(__file__).resolve().parents[1]


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args, "--mypy-config-file" if args[0] == "mypy.stubtest" else "--config-file",
         str(SIM_PY / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=SIM_PY,
    )


def test_stubtest_finds_no_difference() -> None:
    out = _mypy("mypy.stubtest", "devops_sim", "--allowlist", str(SIM_PY / "tests" / "stubtest-allowlist.txt"))
    assert out.returncode == 0, out.stdout + out.stderr


def test_package_type_checks_strictly() -> None:
    out = _mypy("mypy", "-p", "devops_sim")
    assert out.returncode == 0, out.stdout + out.stderr


def test_marker_and_stubs_ship_with_the_package() -> None:
    import devops_sim

    root = Path(devops_sim.__file__).parent
    assert (root / "py.typed").is_file()
    assert (root / "_native.pyi").is_file()
