"""Nothing lost on close: trained work that was never saved is kept in a recovery session
beside the settings file, and the next start offers it back in a banner
(``recoveryBanner``: ``recoveryLabel``, ``restoreRecoveryButton``,
``discardRecoveryButton``).

Closing asks nothing (a lab closes forty windows, and a close must be prompt): the window
writes the session itself, when that is quick (the data embedded, at most
``MAX_RECOVERY_CELLS`` numbers, and at most ``MAX_RECOVERY_BYTES`` of weights, optimizer
and history) and there is something to keep (training, Solve or a weight
edit since the last save or open). A restored session is the user's unsaved work again:
no file name, so Ctrl+S asks for one.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from nnlin_gui.core.errors import UserError

if TYPE_CHECKING:
    from nnlin_gui.ui.main_window import MainWindow

log = logging.getLogger(__name__)

RECOVERY_NAME = "recovery.nnlin"
#: Data larger than this (rows x columns) is not written at close: it would keep it open.
MAX_RECOVERY_CELLS = 500_000
#: Nor a network whose weights, optimizer and history are larger than this (a 10 x 512
#: network is 63 MB: as base64 it would take most of the second a close may take).
MAX_RECOVERY_BYTES = 16 << 20


def recovery_path(settings) -> str:
    """The recovery session, in the folder of the settings' INI file."""
    return os.path.join(os.path.dirname(os.path.abspath(settings.fileName())), RECOVERY_NAME)


def work_key(controller) -> tuple[int, int, bool] | None:
    """What identifies the trained state: parameters, epoch, solved (None: no trainer)."""
    key = controller.wb.results_key
    return None if key is None else (*key, bool(controller.solved))


def allowed(window: MainWindow) -> bool:
    """False where a lab configuration says ``keep_unsaved_work = false``."""
    teaching = window._teaching
    config = getattr(getattr(teaching, "lab", None), "config", None)
    return config is None or config.keep_unsaved_work is not False


def unsaved_work(window: MainWindow) -> bool:
    """Whether closing now would lose trained work worth keeping."""
    c, sessions = window.controller, window.teaching.sessions
    trainer, ds = c.trainer, c.dataset
    if trainer is None or ds is None or c.is_training:
        return False
    if trainer.epoch == 0 and not c.solved:
        return False  # the starting weights: nothing to keep
    return work_key(c) != sessions.clean_key


def _quick(window: MainWindow) -> bool:
    from nnlin_gui.core.files.session import EMBED_LIMIT
    from nnlin_gui.workbench.undo import trainer_bytes

    c = window.controller
    ds, table = c.dataset, c.table
    if ds.n_rows * (ds.X.shape[1] + 1) > MAX_RECOVERY_CELLS:
        return False
    if trainer_bytes(c.trainer) > MAX_RECOVERY_BYTES:
        return False
    source = table.source if table is not None else ds.source
    return not (os.path.isfile(source) and os.path.getsize(source) > EMBED_LIMIT)


def keep_unsaved_work(window: MainWindow) -> str | None:
    """At close: write the recovery session when there is unsaved work and it is quick;
    returns its path (None when nothing was written). Never raises."""
    if window._teaching is None or not allowed(window):
        return None
    if not unsaved_work(window) or not _quick(window):
        return None
    # Imported here: the session code is not on the first paint's path.
    from nnlin_gui.core.files.session import save_session, session_from_trainer

    c = window.controller
    path = recovery_path(window.settings)
    source = c.table.source if c.table is not None else c.dataset.source
    transforms = asdict(c.transforms.restricted_to(c.base_features()))
    extra = {"solved": bool(c.solved), "pace": c.pace, "recovered_at": time.time()}
    try:
        state = session_from_trainer(
            c.trainer, c.dataset, source=source, extra=extra, transforms=transforms
        )
        save_session(path, state)
    except (UserError, OSError) as exc:
        log.warning("unsaved work not kept: %s", exc)
        return None
    log.info("unsaved work kept in %s", path)
    return path


def discard(window: MainWindow) -> None:
    """Forget the recovery session (after it was restored, or on Discard)."""
    path = recovery_path(window.settings)
    try:
        os.remove(path)
    except OSError:
        pass
    window.recovery_banner.hide()


def offer(window: MainWindow) -> bool:
    """At start: show the banner when a recovery session is waiting."""
    path = recovery_path(window.settings)
    if not allowed(window) or not os.path.isfile(path):
        return False
    when = time.strftime("%d %b %H:%M", time.localtime(os.path.getmtime(path)))
    window.recovery_label.setText(
        f"Trained work that was not saved when nnlin closed ({when}) can be restored."
    )
    window.recovery_banner.show()
    return True


def restore(window: MainWindow) -> None:
    """Open the recovery session as unsaved work (``SessionActions`` treats it so)."""
    window.recovery_banner.hide()
    window.teaching.sessions.open(recovery_path(window.settings))


def make_banner(window: MainWindow) -> QWidget:
    """``recoveryBanner`` over the plots, hidden until ``offer`` finds a session."""
    banner = QWidget(objectName="recoveryBanner")
    banner.setStyleSheet(
        "#recoveryBanner { background: #e3effb; border-bottom: 1px solid #9ab8e0; }"
        "#recoveryBanner QLabel { color: #14365e; }"
    )
    lay = QHBoxLayout(banner)
    lay.setContentsMargins(10, 4, 6, 4)
    window.recovery_label = QLabel(objectName="recoveryLabel")
    window.recovery_label.setWordWrap(True)
    restore_button = QPushButton("Restore", objectName="restoreRecoveryButton")
    restore_button.clicked.connect(lambda: restore(window))
    discard_button = QPushButton("Discard", objectName="discardRecoveryButton")
    discard_button.clicked.connect(lambda: discard(window))
    lay.addWidget(window.recovery_label, 1)
    lay.addWidget(restore_button)
    lay.addWidget(discard_button)
    banner.hide()
    window.recovery_banner = banner
    return banner
