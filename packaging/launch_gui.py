"""Entry point of the frozen bundle (PyInstaller runs it as ``__main__``).

- started as ``nnlin`` (the bundle's symlink to this executable): the command line;
- ``nnlin-gui --bundle-check``: packaging checks of the bundle itself (resources,
  statsmodels data, Qt plugins) as JSON;
- anything else: the GUI, with the arguments as given.
"""

import os
import sys

if __name__ == "__main__":
    if os.path.basename(sys.argv[0]).split(".")[0] == "nnlin":
        from nnlin_gui.cli import main
    elif sys.argv[1:2] == ["--bundle-check"]:
        from bundle_check import main

        sys.argv[1:2] = []
    else:
        from nnlin_gui.app import main

    raise SystemExit(main())
