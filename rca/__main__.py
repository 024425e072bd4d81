"""``python -m rca``: the rca command (cli.main), for an environment without the ``rca`` script."""

from cli.main import main

main()
