"""Editing one protected alias's promotion gates (Registry settings, admins)."""

from __future__ import annotations

import json

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.errors import NotFound
from registry.selectors import gates as gate_reads
from registry.services import gates
from registry.services.registries import PROTECTED_NOT_FOUND
from registry.views.forms import GatesForm
from registry.views.pages import page_view, render_page, submit

TEMPLATE = "registry/promotion_gates.html"
SAVED = "Gates of '{name}' saved; they apply to the next move."


@page_view
@require_http_methods(["GET", "POST"])
def gates_page(request, registry, name):
    reg = permissions.get_registry_for_user(request.user, registry)
    permissions.check_can_admin(request.user, reg, "Changing promotion gates")
    policy = gate_reads.policy_for(reg, name)
    if policy is None:
        raise NotFound(PROTECTED_NOT_FOUND.format(name=name, registry=reg.name))

    def form_page(form, status=200):
        context = {
            "registry": reg,
            "current_role": permissions.role_label(permissions.role_of(request.user, reg)),
            "policy": policy,
            "form": form,
            # What was typed (a refusal shows it again), else the saved conditions.
            "conditions_text": (
                request.POST.get("conditions", "")
                if request.method == "POST"
                else json.dumps(policy.conditions, indent=2)
                if policy.conditions
                else ""
            ),
        }
        return render_page(request, TEMPLATE, context, status=status)

    if request.method == "GET":
        initial = {
            "required_approvals": policy.required_approvals,
            "require_finished_run": policy.require_finished_run,
        }
        return form_page(GatesForm(initial=initial))
    form = GatesForm(request.POST)
    return submit(
        request,
        form,
        lambda data: gates.set_policy(
            registry=reg,
            name=policy.name,
            required_approvals=data["required_approvals"],
            conditions=data["conditions"] or {},
            require_finished_run=data["require_finished_run"],
            actor=request.user,
        ),
        refused=form_page,
        done=lambda saved: form_page(form),
        success_url=reverse("registry_settings", args=[reg.name]) + "#gates",
        success_message=lambda saved: SAVED.format(name=saved.name),
    )
