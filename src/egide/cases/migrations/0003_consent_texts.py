"""Seed the first version of the consent texts, one per purpose, in plain French."""

from typing import Any

from django.db import migrations

TEXTS = {
    "case_management": (
        "J'accepte que l'association conserve les informations me concernant pour m'accompagner. "
        "Ces informations sont protégées et seules les personnes qui m'accompagnent dans cette "
        "association peuvent les lire. Je peux retirer mon accord à tout moment, sans conséquence "
        "sur l'aide que je reçois."
    ),
    "share_with_organisation": (
        "J'accepte que l'association transmette les informations utiles à mon accompagnement à "
        "l'organisation nommée ci-dessous, et à elle seule. Je peux retirer mon accord à tout moment ; "
        "à partir de ce jour, plus rien ne lui sera transmis."
    ),
    "statistical_submission": (
        "J'accepte que des informations me concernant, sans mon nom ni rien qui permette de me "
        "reconnaître, soient transmises à l'observatoire national pour compter les victimes de traite "
        "et améliorer leur protection. Je peux retirer mon accord à tout moment."
    ),
    "research": (
        "J'accepte que des informations me concernant, sans mon nom ni rien qui permette de me "
        "reconnaître, soient utilisées pour des travaux de recherche sur la traite des êtres humains. "
        "Refuser ne change rien à l'aide que je reçois. Je peux retirer mon accord à tout moment."
    ),
}


def seed(apps: Any, schema_editor: Any) -> None:
    consent_text = apps.get_model("cases", "ConsentText")
    for purpose, text in TEXTS.items():
        consent_text.objects.get_or_create(purpose=purpose, version=1, defaults={"text": text, "is_current": True})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cases", "ConsentText").objects.filter(version=1, purpose__in=TEXTS).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_consent_status")]

    operations = [migrations.RunPython(seed, unseed)]
