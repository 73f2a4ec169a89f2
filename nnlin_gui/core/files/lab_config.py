"""The lab configuration: one TOML file that sets up every machine of a teaching lab.

It says which controls are hidden or locked (by the widgets' and actions' objectNames,
checked against ``KNOWN_CONTROLS`` so that a typo is an error, not a silent no-op), which
lessons and built-in datasets are offered, a folder of the teacher's lessons, the data and
network the window starts with, the theme and presentation mode, and the instructor's
password as a salted PBKDF2-HMAC-SHA256 hash (never the password itself). docs/lab.md
documents every key with an example.

Where it is read from (``find_lab_config``): the system-wide file of the operating system
(``system_paths``) when one exists, else the file named by ``NNLIN_LAB_CONFIG``. A system-wide
file wins over the variable: otherwise a student could start the app with the variable
pointing at a file of their own and escape the lock.

Every problem is a ``LabConfigError`` with one line naming the file and the key. No Qt here;
``ui/lab_lock.py`` applies the configuration to the window.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nnlin_gui.core.data.builtin import builtin_names
from nnlin_gui.core.errors import UserError
from nnlin_gui.core.files.lessons import LessonError, _layers, _names, _training
from nnlin_gui.core.networks.network import LayerSpec

__all__ = [
    "ENV_VAR",
    "KNOWN_CONTROLS",
    "LabConfig",
    "LabConfigError",
    "find_lab_config",
    "hash_password",
    "load_lab_config",
    "parse_lab_config",
    "system_paths",
    "verify_password",
]

ENV_VAR = "NNLIN_LAB_CONFIG"
FILE_NAME = "lab.toml"
APP_FOLDER = "nnlin-gui"

HASH_SCHEME = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (~0.3 s here)
MIN_ITERATIONS = 100_000
SALT_BYTES = 16
HASH_BYTES = 32
THEMES = ("system", "light", "dark")

#: Controls a lab configuration may hide or lock: widget, dock, menu and action objectNames
#: of the main window (README "Widgets by objectName"). A test checks that each one exists
#: in the window. ``unlockAction`` is deliberately absent: it cannot be hidden.
KNOWN_CONTROLS: dict[str, tuple[str, ...]] = {
    "docks": ("dataDock", "networkDock", "trainingDock", "collapseDock", "diagnosticsDock",
              "lessonsDock", "mainToolBar"),
    "toolbar": ("trainButton", "stepButton", "resetButton", "solveButton", "openButton"),
    "data": ("dataPanel", "datasetCombo", "datasetGalleryButton", "sizeSpin", "noiseSpin",
             "dataSeedSpin", "openFileButton", "targetCombo", "taskCombo", "featureList",
             "featureFilter", "featuresAllButton", "featuresNoneButton", "featureTransforms",
             "transformPolyCheck", "dataTable"),
    "network": ("builderPanel", "layerList", "addLayerButton", "removeLayerButton",
                "moveLayerUpButton", "moveLayerDownButton", "layerKindCombo", "layerWidthSpin",
                "layerActivationCombo", "kernelSizeSpin", "residualDepthSpin",
                "allIdentityButton", "allReluButton"),
    "training": ("settingsPanel", "optimizerCombo", "learningRateCombo", "batchSizeSpin",
                 "epochsSpin", "l1Spin", "l2Spin", "testFractionSpin", "seedSpin", "speedCombo",
                 "patienceSpin"),
    "plots": ("networkDiagram", "lossPlot", "fitPlot", "coefPlot", "drawPoints",
              "clearDrawnButton", "saveDrawnData", "drawClassCombo", "drawValueSpin",
              "showTestData", "discretizeOutput", "showRegions"),
    "collapse": ("collapsePanel", "collapseTable", "copyTableButton", "exportCsvButton",
                 "coefScaleCombo", "polyDegreeSpin", "polyButton", "compareActivationCombo",
                 "compareButton", "regionBox"),
    "diagnostics": ("diagnosticsPanel", "residualSourceCombo"),
    "lessons": ("lessonsPanel", "lessonCombo", "lessonSetupButton", "lessonRunButton",
                "lessonPrevButton", "lessonNextButton", "lessonInstructorCheck"),
    "menus": ("recentMenu", "openSessionAction", "saveSessionAction", "saveSessionAsAction",
              "recentSessionsMenu", "exportMenu", "exportPngAction", "exportSvgAction",
              "exportCsvAction", "exportJsonAction", "exportReportAction",
              "openLessonsFolderAction", "preferencesAction", "themeMenu",
              "theme_systemAction", "theme_lightAction", "theme_darkAction",
              "presentationAction", "resetLayoutAction", "fullScreenAction", "manualAction"),
}  # fmt: skip
ALL_CONTROLS: frozenset[str] = frozenset(n for names in KNOWN_CONTROLS.values() for n in names)

_TOP_KEYS = {
    "name", "password_hash", "hidden_controls", "locked_controls", "lessons",
    "lessons_folder", "datasets", "instructor_mode", "theme", "presentation",
    "keep_unsaved_work", "start",
}  # fmt: skip
_START_KEYS = {"data", "target", "features", "layers", "training", "lesson"}


class LabConfigError(UserError):
    """A lab configuration that cannot be used; one line naming the file and the key."""


@dataclass(frozen=True)
class LabConfig:
    """A parsed, validated lab configuration (see docs/lab.md for every key).

    ``None`` means "not set": the window keeps its own default or the user's choice.
    """

    path: str = ""
    name: str = ""
    password_hash: str = ""
    hidden_controls: tuple[str, ...] = ()
    locked_controls: tuple[str, ...] = ()
    lessons: tuple[str, ...] | None = None  # lesson ids offered (None: all)
    lessons_folder: str = ""  # absolute (a relative one is resolved against the file)
    datasets: tuple[str, ...] | None = None  # built-in dataset names offered (None: all)
    instructor_mode: bool | None = None
    theme: str | None = None
    presentation: bool | None = None
    keep_unsaved_work: bool | None = None  # False: no recovery file at close (shared logins)
    start_data: str | None = None
    start_target: str | None = None
    start_features: tuple[str, ...] | None = None
    start_layers: tuple[LayerSpec, ...] | None = None
    start_training: Mapping[str, Any] = field(default_factory=dict)
    start_lesson: str = ""

    @property
    def locks(self) -> bool:
        """True when the file restricts the student (hides, locks or narrows the offer):
        then the instructor mode is the file's, and the password unlocks it."""
        return bool(
            self.hidden_controls
            or self.locked_controls
            or self.lessons is not None
            or self.datasets is not None
            or self.instructor_mode is not None
        )

    @property
    def has_start(self) -> bool:
        return (
            self.start_data is not None
            or self.start_layers is not None
            or bool(self.start_training)
            or self.start_target is not None
        )


# ----------------------------------------------------------------------------- passwords


def hash_password(
    password: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None
) -> str:
    """``pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>`` of ``password``."""
    if not password:
        raise UserError("the password is empty")
    if iterations < MIN_ITERATIONS:
        raise UserError(f"use at least {MIN_ITERATIONS:,} iterations")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{HASH_SCHEME}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def _split_hash(encoded: str) -> tuple[int, bytes, bytes]:
    """(iterations, salt, hash); ValueError with the reason when the text is not one."""
    parts = encoded.split("$")
    if len(parts) != 4 or parts[0] != HASH_SCHEME:
        raise ValueError(f"it must look like {HASH_SCHEME}$ITERATIONS$SALT$HASH")
    if not parts[1].isdigit():
        raise ValueError("its iteration count is not a whole number")
    iterations = int(parts[1])
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"its iteration count must be at least {MIN_ITERATIONS:,}")
    try:
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("its salt or hash is not base64") from None
    if len(salt) < 8 or len(digest) != HASH_BYTES:
        raise ValueError(f"it needs a salt of 8+ bytes and a {HASH_BYTES}-byte hash")
    return iterations, salt, digest


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches the hash ``encoded`` (compared in constant time);
    False for a wrong password or a malformed hash."""
    try:
        iterations, salt, digest = _split_hash(encoded)
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, digest)


# ----------------------------------------------------------------------------- locating


def system_paths(
    platform: str | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """The system-wide places of ``lab.toml`` for ``platform`` (default: this one), in
    the order they are tried."""
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    if platform.startswith("win"):
        program_data = env.get("ProgramData") or env.get("PROGRAMDATA") or r"C:\ProgramData"
        return [program_data.rstrip("\\/") + "\\" + APP_FOLDER + "\\" + FILE_NAME]
    if platform == "darwin":
        return [f"/Library/Application Support/{APP_FOLDER}/{FILE_NAME}"]
    paths = [f"/etc/{APP_FOLDER}/{FILE_NAME}"]
    for folder in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"):
        if folder and os.path.isabs(folder):
            path = f"{folder.rstrip('/')}/{APP_FOLDER}/{FILE_NAME}"
            if path not in paths:
                paths.append(path)
    return paths


def find_lab_config(
    environ: Mapping[str, str] | None = None, paths: Sequence[str] | None = None
) -> str | None:
    """The lab configuration in force: the first system-wide file that exists, else the
    file named by ``NNLIN_LAB_CONFIG`` (returned even when missing, so that loading it
    says so), else None."""
    env = os.environ if environ is None else environ
    for path in system_paths(environ=env) if paths is None else paths:
        if os.path.isfile(path):
            return path
    named = env.get(ENV_VAR, "").strip()
    return os.path.abspath(os.path.expanduser(named)) if named else None


# ----------------------------------------------------------------------------- parsing


def load_lab_config(path: str | os.PathLike) -> LabConfig:
    """Read and validate the lab configuration in ``path``."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise LabConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise LabConfigError(f"{path}: not UTF-8 text") from None
    return parse_lab_config(text, path)


def parse_lab_config(text: str, path: str = FILE_NAME) -> LabConfig:
    """Parse the TOML ``text`` of a lab configuration read from ``path``."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LabConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise LabConfigError(
            f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    base = os.path.dirname(os.path.abspath(path))
    try:
        return _config(doc, path, base)
    except LessonError as exc:  # the layer and training checks shared with lesson files
        raise LabConfigError(str(exc)) from None


def _config(doc: Mapping[str, Any], path: str, base: str) -> LabConfig:
    hidden = _controls(doc, "hidden_controls", path)
    locked = _controls(doc, "locked_controls", path)
    password = doc.get("password_hash", "")
    if not isinstance(password, str):
        raise LabConfigError(f"{path}: password_hash must be text")
    if password:
        try:
            _split_hash(password)
        except ValueError as exc:
            raise LabConfigError(
                f"{path}: password_hash is not a PBKDF2 hash: {exc} "
                "(make one with 'nnlin lab hash-password')"
            ) from None
    datasets = _optional_names(doc, "datasets", path)
    if datasets is not None:
        known = builtin_names()
        bad = [d for d in datasets if d not in known]
        if bad:
            raise LabConfigError(
                f"{path}: datasets: unknown built-in dataset {bad[0]!r} (known: {', '.join(known)})"
            )
    theme = doc.get("theme")
    if theme is not None and theme not in THEMES:
        raise LabConfigError(f"{path}: theme must be one of {', '.join(THEMES)}")
    folder = doc.get("lessons_folder", "")
    if not isinstance(folder, str):
        raise LabConfigError(f"{path}: lessons_folder must be text (a folder)")
    if folder:
        folder = os.path.normpath(os.path.join(base, os.path.expanduser(folder)))
    name = doc.get("name", "")
    if not isinstance(name, str):
        raise LabConfigError(f"{path}: name must be text")
    start = doc.get("start", {})
    if not isinstance(start, Mapping):
        raise LabConfigError(f"{path}: start must be a table ([start])")
    return LabConfig(
        path=path,
        name=" ".join(name.split()),
        password_hash=password,
        hidden_controls=hidden,
        locked_controls=locked,
        lessons=_optional_names(doc, "lessons", path),
        lessons_folder=folder,
        datasets=datasets,
        instructor_mode=_optional_bool(doc, "instructor_mode", path),
        theme=theme,
        presentation=_optional_bool(doc, "presentation", path),
        keep_unsaved_work=_optional_bool(doc, "keep_unsaved_work", path),
        **_start(start, path, base),
    )


def _controls(doc: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    names = _names(doc, key, path) if key in doc else ()
    for name in names:
        if name not in ALL_CONTROLS:
            close = [c for c in sorted(ALL_CONTROLS) if c.lower() == name.lower()]
            hint = f"; did you mean {close[0]!r}?" if close else " (docs/lab.md lists them)"
            raise LabConfigError(f"{path}: {key}: unknown control {name!r}{hint}")
    return names


def _optional_names(doc: Mapping[str, Any], key: str, path: str) -> tuple[str, ...] | None:
    if key not in doc:
        return None
    names = _names(doc, key, path)
    if not names or not all(n.strip() for n in names):
        raise LabConfigError(f"{path}: {key} must list at least one name (or be left out)")
    return names


def _optional_bool(doc: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = doc.get(key)
    if value is not None and not isinstance(value, bool):
        raise LabConfigError(f"{path}: {key} must be true or false")
    return value


def _start(start: Mapping[str, Any], path: str, base: str) -> dict[str, Any]:
    where = f"{path}: start"
    unknown = sorted(set(start) - _START_KEYS)
    if unknown:
        raise LabConfigError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_START_KEYS))})"
        )
    out: dict[str, Any] = {}
    data = start.get("data")
    if data is not None:
        if not isinstance(data, str) or not data.strip():
            raise LabConfigError(f"{where}.data must be builtin:NAME[?params] or a file")
        data = data.strip()
        if data.startswith("builtin:"):
            name = data[len("builtin:") :].split("?")[0]
            if name not in builtin_names():
                raise LabConfigError(f"{where}.data: unknown built-in dataset {name!r}")
        else:  # a data file next to the configuration
            data = os.path.normpath(os.path.join(base, os.path.expanduser(data)))
        out["start_data"] = data
    for key in ("target", "lesson"):
        value = start.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise LabConfigError(f"{where}.{key} must be a non-empty text")
    out["start_target"] = start.get("target")
    out["start_lesson"] = start.get("lesson", "")
    if "features" in start:
        out["start_features"] = _names(start, "features", where)
    if "layers" in start:
        out["start_layers"] = _layers(start["layers"], f"{where}.layers")
    if "training" in start:
        out["start_training"] = _training(start["training"], {}, f"{where}.training")
    return out
