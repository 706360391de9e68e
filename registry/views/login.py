"""The sign-in page: Django's LoginView with lockouts, answering 429 while locked out."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from registry.forms_login import THROTTLED, ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == THROTTLED for e in form.errors.as_data().get("__all__", [])):
            response.status_code = 429
        return response
