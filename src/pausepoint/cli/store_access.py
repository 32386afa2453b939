"""The session database as the commands open it, and the profiles they read from it.

The database is ``args.db`` (``--db``), else $PAUSEPOINT_DB, else the user's data folder.
"""

from __future__ import annotations

import argparse

from pausepoint.calibration.profiles import Profile, check_profile_name, load_profile
from pausepoint.errors import BadInput
from pausepoint.sessions.errors import StoreError
from pausepoint.sessions.paths import db_path
from pausepoint.sessions.store import Store


def open_store(args: argparse.Namespace, *, write: bool = False) -> Store:
    """The database; a read-only one still serves the commands that only read."""
    path = db_path(getattr(args, "db", None))
    try:
        return Store.open(path)
    except StoreError as exc:
        if write or exc.reason != "readonly":
            raise
    return Store.open(path, readonly=True)


def profile_from_db(args: argparse.Namespace, name: str) -> Profile:
    """A profile from the database ``--db`` names; an unknown name is a one-line error."""
    with open_store(args) as store:
        return load_profile(store, check_profile_name(name))


def chosen_profiles(args: argparse.Namespace, persons: int) -> tuple[Profile | None, ...]:
    """Each person's profile from ``--profile`` (None each when not given); a wrong count
    or name is a one-line BadInput."""
    names = args.profile or []
    if not names:
        return (None,) * persons
    if len(names) != persons:
        if persons == 1:
            raise BadInput(f"--profile is given {len(names)} times for one person; give it once")
        raise BadInput("a couple: give --profile twice (A, then B), or not at all")
    if persons == 2 and names[0] == names[1]:
        raise BadInput(f"--profile {names[0]} is given for both partners; each needs their own")
    return tuple(profile_from_db(args, name) for name in names)
