"""Verify what the database promises; exit 1 when something is wrong."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from registry import integrity


class Command(BaseCommand):
    help = (
        "Check that every referenced blob is in storage with the right size (--deep: and "
        "sha256), that no vN can be reused, that every alias points into its own "
        "collection, that every linked version has its link record, and that every "
        "delivery is finished or due. Exits 1 on a problem; "
        "--fix repairs what is safe to repair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deep", action="store_true", help="also hash every blob")
        parser.add_argument("--fix", action="store_true", help="repair what is safe to repair")

    def handle(self, *args, deep: bool = False, fix: bool = False, **options):
        counts: dict[str, int] = {}
        findings = [
            *integrity.blobs(deep=deep, counts=counts),
            *integrity.versions(counts=counts),
            *integrity.aliases(counts=counts),
            *integrity.history(counts=counts),
            *integrity.deliveries(counts=counts),
        ]
        checked = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Checked {checked}{' (blobs hashed)' if deep else ''}.")
        unresolved = 0
        for finding in findings:
            if fix and finding.fix is not None:
                done = finding.fix()
                self.stdout.write(f"FIXED {finding.check}: {finding.problem} → {done}")
            else:
                unresolved += 1
                hint = " (--fix repairs this)" if finding.fix is not None else ""
                self.stdout.write(f"PROBLEM {finding.check}: {finding.problem}{hint}")
        if unresolved:
            self.stderr.write(f"{unresolved} problem(s) found.")
            raise SystemExit(1)
        self.stdout.write("OK: no problems found." if not findings else "OK: everything fixed.")
