"""Qt widgets, panels and the main window (imports Qt; the core never does)."""
