"""Qt-free numeric core: networks, training, collapse, regression, data, diagnostics."""
