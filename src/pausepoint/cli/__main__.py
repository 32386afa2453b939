"""`python -m pausepoint.cli`: the same as the `pausepoint` command."""

import sys

from pausepoint.cli.main import main

sys.exit(main())
