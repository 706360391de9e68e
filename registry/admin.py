"""Django admin: editing for setup objects, read-only for history and immutable versions."""

from __future__ import annotations

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from registry import models
from registry.forms_login import ThrottledAdminAuthenticationForm

# The admin's sign-in counts and locks out like the site's.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(models.Registry)
class RegistryAdmin(GuardedModelAdmin):
    list_display = ["name", "visibility", "is_core", "created_at"]
    search_fields = ["name", "description"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "registry", "type", "next_index", "created_at"]
    list_filter = ["registry", "type"]
    search_fields = ["name", "description"]
    readonly_fields = ["next_index"]


@admin.register(models.LinkedVersion)
class LinkedVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "source", "linked_by", "linked_at"]
    list_select_related = ["collection__registry", "source__artifact", "linked_by"]


@admin.register(models.Alias)
class AliasAdmin(ReadOnlyAdmin):
    list_display = ["name", "collection", "version", "created_by", "created_at"]
    list_select_related = ["collection__registry", "version__collection__registry", "created_by"]
    search_fields = ["name"]


@admin.register(models.ProtectedAlias)
class ProtectedAliasAdmin(ReadOnlyAdmin):
    list_display = ["name", "registry", "created_by", "created_at"]


@admin.register(models.AliasEvent)
class AliasEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "collection",
        "alias",
        "action",
        "from_index",
        "to_index",
        "actor",
    ]
    list_filter = ["action"]
    list_select_related = ["collection__registry", "actor"]
    search_fields = ["alias"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "is_personal", "created_at"]
    search_fields = ["name"]


for model in (
    models.Project,
    models.Run,
    models.Artifact,
    models.ArtifactVersion,
    models.ArtifactFile,
    models.Blob,
    models.CollectionTag,
    models.VersionTag,
    models.RunArtifact,
):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(models.ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
