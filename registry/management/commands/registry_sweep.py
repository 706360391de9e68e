"""Clean up after interrupted work; run it every minute or so (cron, a systemd timer, or
`--every 60` as a long-running process beside the web nodes and workers)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from registry import maintenance, tasks


class Command(BaseCommand):
    help = (
        "Log the attempts of deliveries whose worker died and send them again, finish or "
        "fail task rows left RUNNING by a killed worker, and remove temporary uploads a "
        "killed web node left."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep running, sweeping every SECONDS (default: sweep once and exit)",
        )

    def handle(self, *args, every: int = 0, **options):
        while True:
            self.sweep()
            if every <= 0:
                return
            time.sleep(every)

    def sweep(self) -> None:
        interrupted = maintenance.interrupted_deliveries()
        finished, failed = maintenance.stale_tasks()
        # Deliveries no task will send (their worker died holding the claim): send now.
        sent = tasks.sweep()
        uploads = maintenance.stale_uploads()
        self.stdout.write(
            f"interrupted delivery attempts logged: {interrupted}; due deliveries sent: "
            f"{sent}; stale task rows finished: {finished}, failed: {failed}; stale "
            f"temporary uploads removed: {len(uploads)}"
        )
