"""The bundle's entry point: pausepoint's command line, with matplotlib's font cache kept
between runs (the bundle's own hook would make a fresh one, and rebuild it, every time)."""

import os
import sys

from platformdirs import user_cache_dir

os.environ["MPLCONFIGDIR"] = os.path.join(user_cache_dir("pausepoint"), "matplotlib")

from pausepoint.cli.main import main  # noqa: E402

sys.exit(main())
