"""Sign-in, registries, collections, versions, settings (URLs fixed by DESIGN.md)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from registry.views import (
    collection,
    compare,
    downloads,
    history_export,
    home,
    login,
    registry_page,
    registry_settings,
    version,
    version_edit,
)

R = "registries/<str:registry>/"
S = R + "settings/"
C = R + "<str:collection>/"
V = C + "v<int:index>/"

urlpatterns = [
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("registries/", home.registry_create, name="registry_create"),
    path(R, registry_page.registry_page, name="registry"),
    # Settings before collections: "settings" is not a collection page.
    path(S, registry_settings.settings_page, name="registry_settings"),
    path(S + "protected-aliases/", registry_settings.protected_add, name="protected_add"),
    path(
        S + "protected-aliases/<str:name>/delete/",
        registry_settings.protected_delete,
        name="protected_delete",
    ),
    path(S + "members/", registry_settings.member_add, name="member_add"),
    path(S + "members/<str:username>/", registry_settings.member_update, name="member_update"),
    path(S + "general/", registry_settings.general_update, name="registry_general"),
    path(R + "alias-history.<str:fmt>", history_export.registry_history, name="registry_history"),
    path(
        C + "alias-history.<str:fmt>",
        history_export.collection_history,
        name="collection_history",
    ),
    path(C, collection.collection_page, name="collection"),
    path(C + "compare/v<int:base>...v<int:head>/", compare.compare_page, name="compare"),
    path(C + "description/", collection.collection_description, name="collection_description"),
    path(C + "delete/", collection.collection_delete, name="collection_delete"),
    path(C + "tags/", collection.collection_tag_add, name="collection_tag_add"),
    path(
        C + "tags/<str:tag>/remove/", collection.collection_tag_remove, name="collection_tag_remove"
    ),
    path(V, version.version_page, name="version"),
    path(V + "aliases/", version.alias_add, name="alias_add"),
    path(V + "aliases/<str:name>/remove/", version.alias_remove, name="alias_remove"),
    path(V + "unlink/", version.unlink, name="unlink"),
    path(V + "description/", version_edit.version_description, name="version_description"),
    path(V + "tags/", version_edit.version_tag_add, name="version_tag_add"),
    path(V + "tags/<str:tag>/remove/", version_edit.version_tag_remove, name="version_tag_remove"),
    path(V + "files/<path:path>", downloads.download, name="download"),
]
