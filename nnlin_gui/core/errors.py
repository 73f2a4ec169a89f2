"""Errors a user can cause. Each carries one line a person understands."""


class UserError(Exception):
    """Base of every error caused by user input; ``str(err)`` is the one-line message."""


class DataError(UserError):
    """A data file, column or dataset that cannot be used."""


class SpecError(UserError):
    """A network specification or training setting that cannot be used."""


class CollapseError(UserError):
    """A network that cannot be collapsed or solved the way that was asked."""
