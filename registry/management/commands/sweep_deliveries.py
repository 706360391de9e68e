"""Send deliveries that no task will send: claims whose worker died (expired lease).

Run it periodically beside `db_worker` (`make run` does, every 30 s): `--loop SECONDS`
keeps it going; without it, one sweep and exit (cron, tests).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from registry import tasks


class Command(BaseCommand):
    help = "Send due webhook and Slack deliveries whose worker died while sending them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help="sweep again every SECONDS, forever"
        )

    def handle(self, *args, loop=None, **options):
        while True:
            sent = tasks.sweep()
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"Sent {sent} due deliveries.")
            if not loop:
                return
            time.sleep(loop)
