"""Statistics: least squares, regression baselines, assumption tests, and the comparison
of a network with its closed-form baseline."""
