"""Built-in datasets (first cut: a few teaching sets, generated offline with a seed)."""

from __future__ import annotations

import numpy as np

from nnlin_gui.core.errors import DataError


def _linear(n: int = 200, noise: float = 0.5, seed: int = 0):
    import pandas as pd

    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, n)
    x2 = rng.normal(0, 1, n)
    y = 1.5 + 2.0 * x1 - 1.0 * x2 + noise * rng.normal(0, 1, n)
    return pd.DataFrame({"x1": x1, "x2": x2, "y": y})


def _sine(n: int = 200, noise: float = 0.1, seed: int = 0):
    import pandas as pd

    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    return pd.DataFrame({"x": x, "y": np.sin(x) + noise * rng.normal(0, 1, n)})


BUILTINS = {"linear": _linear, "sine": _sine}


def builtin_names() -> list[str]:
    """Names accepted after ``builtin:``."""
    return sorted(BUILTINS)


def load_builtin_frame(name: str, **params):
    """Generate the built-in dataset ``name`` as a pandas DataFrame."""
    try:
        make = BUILTINS[name]
    except KeyError:
        raise DataError(
            f"no built-in dataset {name!r}; choose one of {', '.join(builtin_names())}"
        ) from None
    return make(**params)
