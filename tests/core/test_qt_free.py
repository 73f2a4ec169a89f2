"""The core, the workbench and the CLI import and run with PySide6 and pyqtgraph made
unimportable."""

import subprocess
import sys

BLOCK = r"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib
import nnlin_gui.core as core
import nnlin_gui.workbench as workbench
for pkg, prefix in ((core, 'nnlin_gui.core.'), (workbench, 'nnlin_gui.workbench.')):
    for mod in pkgutil.walk_packages(pkg.__path__, prefix):
        importlib.import_module(mod.name)
import nnlin_gui.cli
from nnlin_gui.cli import main
code = main(['fit', 'builtin:linear', '--target', 'y', '--solve', '--json', '-'])
assert code == 0, code
assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]
print('QT-FREE-OK')
"""


def test_core_workbench_and_cli_work_without_qt():
    proc = subprocess.run([sys.executable, "-c", BLOCK], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "QT-FREE-OK" in proc.stdout
