from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.demo import create_demo


class Command(BaseCommand):
    help = "Create a demo admin, users and content if the database has no users yet."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Users exist already; no demo content created.")
            return
        credentials = create_demo()
        self.stdout.write(self.style.SUCCESS("Demo content created. Sign in with:"))
        for username, password in credentials:
            self.stdout.write(f"  username: {username:<8} password: {password}")
