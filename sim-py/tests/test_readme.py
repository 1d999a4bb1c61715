"""The README's Python example runs as written."""

from __future__ import annotations

import re

from conftest import REPO


def test_readme_python_example_runs() -> None:
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "the README shows one Python example"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert len(namespace["table"]) == 16
    assert namespace["res"].summary()["conservation_holds"]
