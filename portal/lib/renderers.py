"""The portal's form renderer: the common widgets written in Python, same HTML.

Django renders every widget through templates: an ``<input>`` is three (the input, its
type's template, the attributes), a ``<select>`` one more per ``<option>``. The staff
request page carries a dozen forms (the composer, Prazo, meeting, classification,
followers…) and spent a third of its time there. ``FastWidgets`` writes the widgets
whose templates are Django's own (inputs of every type, checkboxes, textareas, selects)
with the same markup and escaping, and hands anything else (radio lists, a widget with
a template of its own, a project override) to the templates as before.
``tests/workspace/test_form_renderer.py`` renders every form of the portal both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input", "text", "email", "url", "number", "password", "hidden", "date",
        "datetime", "time", "search", "tel", "color", "checkbox", "file",
    )
}  # fmt: skip
_OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` under autoescaping."""
    return str(conditional_escape(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {_text(name)}")
        elif value is not False:
            parts.append(f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str | None:
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str | None:
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None  # an option of its own: the templates render the whole widget
            # (The option's template ends with a line break, which the include keeps.)
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUTS, _input),
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class FastWidgets(DjangoTemplates):
    """Django's default renderer, with Django's own widget templates written in Python."""

    def render(self, template_name: str, context: dict, request=None) -> SafeString | str:
        writer = _WRITERS.get(template_name)
        if writer is not None and "widget" in context:
            html = writer(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every piece is escaped above
        return super().render(template_name, context, request)
