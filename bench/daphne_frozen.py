"""daphne with the application's import-time objects moved out of the garbage collector's reach.

    python bench/daphne_frozen.py [daphne options] kbsite.asgi:application

A full (generation 2) collection walks every container object the process has; kbsite imports
Django, Channels, Twisted, numpy and scipy, so that walk takes a couple of hundred milliseconds
and stalls every open stream meanwhile. gc.freeze() (Python 3.7+) after the imports leaves only
the objects created while serving in the collector's view. bench_streaming.py runs the SSE load
against plain daphne and against this launcher to show the difference.
"""

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

from daphne.cli import CommandLineInterface  # noqa: E402

import kbsite.asgi  # noqa: E402,F401 - import everything the application needs, then freeze

gc.collect()
gc.freeze()
CommandLineInterface.entrypoint()
