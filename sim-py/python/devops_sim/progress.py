"""Progress reporting for long runs: a tqdm bar when tqdm is installed, or
the user's own callback.

``progress=None`` (the default) shows a bar only if a run lasts longer than a
second, so short runs and tests stay quiet; ``True`` shows it at once;
``False`` shows nothing; a callable receives the fraction done (0–1).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Callable, Iterator, Optional, Union

__all__ = ["ProgressLike", "progress_callback"]

#: What a ``progress=`` argument accepts.
ProgressLike = Union[None, bool, Callable[[float], object]]

_STEPS = 1000


@contextlib.contextmanager
def progress_callback(progress: ProgressLike, desc: str) -> Iterator[Optional[Callable[[float], None]]]:
    """Yields the callback to hand to the native run (or ``None``), and
    closes the bar afterwards."""
    if progress is False:
        yield None
        return
    if callable(progress) and not isinstance(progress, bool):
        user = progress

        def call(fraction: float) -> None:
            user(fraction)

        yield call
        return
    if progress is not None and progress is not True:
        raise TypeError(f"progress: expected None, True, False or a callable, not {type(progress).__name__}")
    try:
        with warnings.catch_warnings():
            # In a notebook without ipywidgets, tqdm.auto warns and falls back to text.
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm
    except ImportError:
        if progress is True:
            raise ImportError("progress=True needs tqdm (pip install tqdm), or pass a callback") from None
        yield None
        return
    bar = tqdm(
        total=_STEPS,
        desc=desc,
        delay=0.0 if progress is True else 1.0,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]",
        leave=False,
    )

    def update(fraction: float) -> None:
        n = int(fraction * _STEPS)
        if n > bar.n:
            bar.update(n - bar.n)

    try:
        yield update
    finally:
        bar.close()
