"""Errors a user can cause: the CLI prints their message on one line and exits 2."""


class UserError(Exception):
    """A problem the user can fix; the message says what, where, and what to do."""

    exit_code = 2


class BadInput(UserError, ValueError):
    """A file or argument pausepoint cannot read."""
