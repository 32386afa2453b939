"""pausepoint: notices flooding from a heart-rate strap and prompts a pause."""

__version__ = "0.1.0"
