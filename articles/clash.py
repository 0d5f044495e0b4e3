"""An edit clash: what someone else saved against what this user typed, field by field.

When the optimistic lock refuses a save, the form keeps the user's input and
the page lists each field where the saved article differs, with a choice
«tieni la sua / tieni la mia». Pressing «Salva con queste scelte» posts the same
form again (any of the form's save buttons does, once the two versions have
been shown): the fields taken from the saved article are replaced by its
values, the lock moves to the version just compared, and the save goes
through the usual checks, so a third save in between is a new clash.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.http import QueryDict
from django.utils.html import strip_tags

RESOLVE = "_resolve_clash"
AGAINST = "clash_version"
CHOICE_PREFIX = "clash_take_"


@dataclass
class ClashRow:
    name: str
    label: str
    theirs: str
    mine: str


def _shown(bound: forms.BoundField, value) -> str:
    """A field's value as a journalist reads it (labels for choices, text for HTML)."""
    field = bound.field
    if isinstance(field, forms.BooleanField):
        return "sì" if field.to_python(value) else "no"
    if isinstance(field, forms.ModelChoiceField):
        try:
            obj = field.to_python(value[0] if isinstance(value, list) else value)
        except forms.ValidationError:
            return str(value)
        return str(obj) if obj is not None else "–"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value or "–"))
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v)
    text = strip_tags(str(value or "")).strip()
    return text or "–"


def _comparable(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if name not in {"loaded_version", "override_reason", "material_update"}
        and not isinstance(field, forms.FileField)
        and not field.disabled
    ]


def clash_rows(mine: forms.BaseForm, theirs: forms.BaseForm) -> list[ClashRow]:
    """Fields where the submitted form `mine` differs from the unbound `theirs`."""
    rows = []
    for name in _comparable(mine):
        field = mine.fields[name]
        mine_bf, theirs_bf = mine[name], theirs[name]
        initial = theirs_bf.initial
        data = field.widget.value_from_datadict(mine.data, mine.files, mine.add_prefix(name))
        if not field.has_changed(initial, data):
            continue
        rows.append(
            ClashRow(
                name=name,
                label=str(field.label or name),
                theirs=_shown(theirs_bf, theirs_bf.value()),
                mine=_shown(mine_bf, mine_bf.value()),
            )
        )
    return rows


def post_data(bound: forms.BoundField) -> dict[str, list[str]]:
    """The keys and values a browser would post for this field as shown."""
    widget = bound.field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    context = widget.get_context(bound.html_name, bound.value(), {})["widget"]
    if "subwidgets" in context and isinstance(widget, forms.MultiWidget):
        return {
            sub["name"]: [] if sub["value"] is None else [str(sub["value"])]
            for sub in context["subwidgets"]
        }
    if isinstance(widget, forms.CheckboxInput):
        return {bound.html_name: ["on"] if context["attrs"].get("checked") else []}
    value = context["value"]
    if isinstance(value, list):
        return {bound.html_name: [str(v) for v in value if v not in (None, "")]}
    return {bound.html_name: [] if value is None else [str(value)]}


def merged_post(post: QueryDict, theirs: forms.BaseForm) -> QueryDict:
    """The posted form with the fields the user chose to take from the saved article."""
    merged = post.copy()
    for name in _comparable(theirs):
        if post.get(CHOICE_PREFIX + name) != "theirs":
            continue
        for key, values in post_data(theirs[name]).items():
            merged.setlist(key, values)
    merged["loaded_version"] = post.get(AGAINST, "")
    if RESOLVE in post:
        merged["_continue"] = "1"  # back to the article, to see the result
    for key in [RESOLVE, AGAINST, *[k for k in post if k.startswith(CHOICE_PREFIX)]]:
        merged.pop(key, None)
    return merged
