"""API keys page (to be built by the API issue)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def api_keys_page(request):
    return render(request, "base.html", {})
