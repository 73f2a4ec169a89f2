"""``python -m nnlin_gui`` opens the GUI."""

from nnlin_gui.app import main

raise SystemExit(main())
