"""nnlin_gui: is deep learning just repeated linear regression?"""

__version__ = "0.1.0"
