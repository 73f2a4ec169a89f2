"""Qt-free numeric core, in four islands (as their imports already showed):

- ``data``: reading delimited files, column roles, built-in datasets, feature transforms;
- ``networks``: layers, activations, losses, optimizers, the training loop, the collapse;
- ``statistics``: least squares, regression baselines, assumption tests, the comparison of
  a network with its closed-form baseline;
- ``files``: sessions, lessons, the HTML report and its SVG plots.

``errors`` holds the typed, one-line errors every island raises.
"""
