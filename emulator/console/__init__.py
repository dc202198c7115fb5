"""The web console and developer portal, served by the emulator at ``/_emulator/console/`` and
``/_emulator/portal/`` (and at ``/`` for a browser).

The console is a reader: pages show what providers list through ``resources()`` and what the
API operations answer, and change state only through those operations (``operations.py``).
Each page is one module in ``pages/`` (see ``page.py``); ``web.py`` is the only module that
knows the web framework. Nothing here loads until a browser asks for a page (``door.py`` is
all the front door imports).
"""
