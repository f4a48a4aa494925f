"""Form widgets that render faster than Django's templates where pages need it."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """HTML attributes as Django's widgets/attrs.html writes them (True alone, False omitted)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class FastSelect(forms.Select):
    """A ``<select>`` built in Python, with the same HTML as Django's template.

    Django renders one template per ``<option>``: a filter listing a few hundred
    client companies cost more than the whole rest of the queue page.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        parts = [format_html('<select name="{}"{}>', name, _attrs(final_attrs))]
        for group_value, group_label in self.choices:
            if isinstance(group_label, list | tuple):  # an <optgroup>
                parts.append(format_html('\n  <optgroup label="{}">', group_value))
                parts += [self._option(v, label, selected) for v, label in group_label]
                parts.append(mark_safe("\n  </optgroup>"))
            else:
                parts.append(self._option(group_value, group_label, selected))
        parts.append(mark_safe("\n</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part is format_html output

    def _option(self, value, label, selected: set[str]) -> SafeString:
        value = "" if value is None else str(value)
        chosen = " selected" if value in selected else ""
        return format_html('\n  <option value="{}"{}>{}</option>', value, chosen, label)


def use_fast_selects(form: forms.Form) -> None:
    """Give every plain ``<select>`` of a form the fast widget (same HTML)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            fast = FastSelect(attrs=field.widget.attrs)
            fast.choices = field.widget.choices
            fast.is_required = field.widget.is_required
            field.widget = fast
