"""The WebSocket API data plane: connections on ``ws://`` invoke URLs, ``$connect``
authorization, route selection on each message, integrations with their templates and
responses, ``$disconnect``, AWS's limits on the emulator's clock, and the ``@connections``
management API's engine.

``web`` is the only module that knows the web server; ``engine`` puts the rest together.
"""
