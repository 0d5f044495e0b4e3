"""The newsroom's roles as auth groups: «Giornalista», «Caporedattore»,
«Revisore medico» and «Direttore responsabile».

Made by migration 0006; `ensure_newsroom_groups()` can rebuild them at any
time (it is idempotent), e.g. after a test flush or by hand from the shell.
"""

from __future__ import annotations

from django.apps import apps as global_apps

JOURNALIST = "Giornalista"
EDITOR = "Caporedattore"
MEDICAL_REVIEWER = "Revisore medico"
DIRECTOR = "Direttore responsabile"

# Sees articles and signs the medical review; never edits nor publishes.
MEDICAL_REVIEWER_PERMISSIONS = {
    "articles": {
        "article": ["view", "signoff_medical"],
        "source": ["view"],
        "correction": ["view"],
        "author": ["view"],
        "person": ["view"],
        "section": ["view"],
    },
    "desk": {"editorialcomment": ["add", "view"]},
}

JOURNALIST_PERMISSIONS = {
    "articles": {
        "article": ["add", "change", "view"],
        "articleauthor": ["add", "change", "delete", "view"],
        "articleperson": ["add", "change", "delete", "view"],
        "source": ["add", "change", "delete", "view"],
        "relatedpin": ["add", "change", "delete", "view"],
        "relatedexclusion": ["add", "change", "delete", "view"],
        "person": ["add", "change", "view"],
        "author": ["change", "view"],
        "section": ["view"],
        "correction": ["view"],
        "articleevent": ["view"],
        "relatedarticle": ["view"],
    },
    "taggit": {"tag": ["add", "view"]},
    "desk": {"assignment": ["view", "change"], "editorialcomment": ["add", "view"]},
    "standards": {"correctionrequest": ["view"], "deindexing": ["view"], "policy": ["view"]},
}
EDITOR_EXTRA = ["publish_article", "edit_any_article"]
# Internal tables no editor manages by hand.
EDITOR_SKIPPED_MODELS = {
    "articlelabel",
    "relatedtermstat",
    "relatedterm",
    "autosavedraft",
    "notification",
}


def ensure_newsroom_groups(apps=global_apps) -> None:
    """Create both groups and give them their permissions (idempotent).

    `apps` is the historical registry inside a migration; the permissions
    must already exist.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    journalist, _ = Group.objects.get_or_create(name=JOURNALIST)
    for app_label, models in JOURNALIST_PERMISSIONS.items():
        for model, actions in models.items():
            journalist.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )

    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor_permissions = [
        *Permission.objects.filter(
            content_type__app_label__in=["articles", "taggit", "desk", "standards"]
        )
        .exclude(content_type__model__in=EDITOR_SKIPPED_MODELS)
        .exclude(codename__startswith="signoff_"),
        *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_EXTRA),
    ]
    editor.permissions.add(*editor_permissions)

    reviewer, _ = Group.objects.get_or_create(name=MEDICAL_REVIEWER)
    for app_label, models in MEDICAL_REVIEWER_PERMISSIONS.items():
        for model, actions in models.items():
            reviewer.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[a if "_" in a else f"{a}_{model}" for a in actions],
                )
            )

    # The director is an editor who also signs sensitive articles.
    director, _ = Group.objects.get_or_create(name=DIRECTOR)
    director.permissions.add(
        *editor_permissions,
        *Permission.objects.filter(content_type__app_label="articles", codename="signoff_director"),
    )
