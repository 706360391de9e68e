"""Permissions-Policy on every response (Django sets the other security headers itself)."""

from __future__ import annotations

from django.conf import settings


class PermissionsPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
