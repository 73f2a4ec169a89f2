"""Argument helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys

from nnlin_gui.core.errors import UserError


def add_data_arguments(parser: argparse.ArgumentParser, target_required: bool = True) -> None:
    """DATA, --target and --features, the same in every subcommand."""
    parser.add_argument("data", metavar="DATA", help="CSV/TSV file or builtin:NAME")
    parser.add_argument("--target", required=target_required, help="target column")
    parser.add_argument("--features", help="comma-separated feature columns (default: all)")


def feature_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UserError("--features is empty; give column names separated by commas")
    return names


def int_list(text: str, option: str) -> list[int]:
    """'8,8' -> [8, 8]; '' or 'none' -> [] (no hidden layer)."""
    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise UserError(
            f"{option} takes widths separated by commas, like 8,8; got {text!r}"
        ) from None


def write_json(payload: dict, where: str) -> None:
    """Write JSON to a path, or to standard output for '-'."""
    text = json.dumps(payload, indent=2, allow_nan=False, default=_plain)
    if where == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        with open(where, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        raise UserError(f"{where}: cannot write ({exc.strerror})") from None


def _plain(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
