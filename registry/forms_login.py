"""Sign-in forms (site and admin) that refuse, and say until when, after too many failures."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from registry.services import throttle

THROTTLED = "throttled"


class ThrottledLoginMixin:
    """Checks the account's and the address's lockouts before any password is hashed,
    counts a wrong password against both, and clears the account's count on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        account = throttle.account_key(username)
        address = throttle.client_address(self.request)
        checks = [(throttle.account_rule(), account, throttle.ACCOUNT_LOCKED)]
        if address:
            checks.append((throttle.address_rule(), address, throttle.ADDRESS_LOCKED))
        for rule, key, message in checks:
            until = throttle.locked_until(rule, key)
            if until is not None:
                raise forms.ValidationError(throttle.describe(message, until), code=THROTTLED)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and self.cleaned_data.get("password") and self.user_cache is None:
                # Counted against both, even when the first now locks out.
                locks = [
                    (throttle.record_failure(rule, key), message) for rule, key, message in checks
                ]
                for until, message in locks:
                    if until is not None:
                        raise forms.ValidationError(
                            throttle.describe(message, until), code=THROTTLED
                        ) from None
            raise
        throttle.clear(throttle.account_rule(), account)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
