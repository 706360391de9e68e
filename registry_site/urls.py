from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("registry.urls")),
]

handler404 = "registry.views.common.page_not_found"
handler500 = "registry.views.server_error.server_error"
