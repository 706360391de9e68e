from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("registry.urls")),
]

handler404 = "registry.views.pages.page_not_found"
handler403 = "registry.views.errors.permission_denied"
handler500 = "registry.views.server_error.server_error"
