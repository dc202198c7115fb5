"""Console pages: each module defines ``PAGE`` (see emulator.console.page), found by listing
this package. A new service's page is a new module here and its templates."""
