#!/usr/bin/env python
import os
import sys


def main() -> None:
    from studysmart.envfile import load_env_file

    load_env_file()  # `.env` beside this file, if any; exported variables win
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
