"""The ``pbits`` command: :mod:`~circuits.cli.main` dispatches to ``maxcut``, ``factor`` and ``device``; what
they share is :mod:`~circuits.cli.common`."""
