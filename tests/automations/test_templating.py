"""Payload templates: validation on save, escaping, W&B variable names."""

from __future__ import annotations

import json

import pytest

from registry.errors import Invalid
from registry.webhooks import templating


def test_it_names_unknown_variables():
    with pytest.raises(Invalid) as exc:
        templating.validate('{"a": "${alias}", "b": "${colection}", "c": "${nope}"}')
    assert exc.value.message.startswith("Unknown template variables: ${colection}, ${nope}.")
    assert "${artifact_metadata.KEY}" in exc.value.message


def test_it_refuses_a_template_that_is_not_json_once_substituted():
    with pytest.raises(Invalid) as exc:
        templating.validate('{"alias": "${alias}",}')
    assert exc.value.message.startswith(
        "The payload template is not valid JSON once variables are substituted:"
    )
    assert "line 1" in exc.value.message


def test_an_empty_template_means_the_default_with_every_variable():
    template = templating.validate("  ")
    assert json.loads(templating.render(template, templating.SAMPLE_VALUES))["alias"] == "staging"
    for name in templating.VARIABLES:
        assert f"${{{name}}}" in template


def test_values_inside_strings_are_escaped():
    rendered = templating.render_payload(
        '{"note": "by ${event_author}: ${artifact_metadata.note}"}',
        {"event_author": 'a"b', "artifact_metadata": {"note": 'line\\n "quoted"'}},
    )
    assert rendered == {"note": 'by a"b: line\\n "quoted"'}


def test_values_outside_strings_are_json_values():
    rendered = templating.render_payload(
        '{"acc": ${artifact_metadata.accuracy}, "cfg": ${artifact_metadata.cfg}, '
        '"missing": ${artifact_metadata.none}, "alias": ${alias}}',
        {"alias": "prod", "artifact_metadata": {"accuracy": 0.5, "cfg": {"lr": 1}}},
    )
    assert rendered == {"acc": 0.5, "cfg": {"lr": 1}, "missing": None, "alias": "prod"}


def test_a_dollar_sign_without_braces_is_left_alone():
    assert templating.render_payload('{"cost": "$5 ${alias}"}', {"alias": "x"}) == {"cost": "$5 x"}
