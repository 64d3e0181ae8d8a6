"""A figures document as the builder writes it, for tests of the rendering alone."""

from typing import Any

from egide.observatory.reports.figures import make_table

SEX = [("female", "femme"), ("male", "homme"), ("other", "autre"), ("unknown", "inconnu")]


def sample_figures(year: int = 2024) -> dict[str, Any]:
    tables = {
        "status": make_table(
            "status",
            "Situation",
            row_title="Situation",
            rows=[("identified", "repérée", [1215]), ("supported", "accompagnée", [2870])],
            total=4085,
        ),
        "sex": make_table(
            "sex",
            "Victimes selon le sexe",
            row_title="Sexe",
            rows=[
                ("female", "femme", [3390]),
                ("male", "homme", [680]),
                ("other", "autre", [None]),
                ("unknown", "inconnu", [None]),
            ],
            total=4085,
        ),
        "declared_sex": make_table(
            "declared_sex",
            "Déclarées selon le sexe",
            population="declared",
            row_title="Sexe",
            rows=[
                ("female", "femme", [3950]),
                ("male", "homme", [790]),
                ("other", "autre", [None]),
                ("unknown", "inconnu", [15]),
            ],
            total=4760,
        ),
        "age_group": make_table(
            "age_group",
            "Victimes selon l'âge",
            row_title="Âge",
            rows=[
                ("0-14", "moins de 15 ans", [95]),
                ("15-17", "15 à 17 ans", [410]),
                ("18-24", "18 à 24 ans", [1130]),
                ("25-34", "25 à 34 ans", [1345]),
                ("35-44", "35 à 44 ans", [640]),
                ("45-54", "45 à 54 ans", [270]),
                ("55+", "55 ans et plus", [115]),
                ("unknown", "inconnu", [80]),
            ],
            total=4085,
        ),
        "forms": make_table(
            "forms",
            "Formes d'exploitation",
            row_title="Forme",
            rows=[
                ("SEXUAL", "exploitation sexuelle", [3510]),
                ("LABOUR_OTHER", "travail", [330]),
                ("ORGANS", "prélèvement d'organes", [None]),
            ],
            total=4085,
            notes=["Une personne peut relever de plusieurs formes."],
        ),
        "forms_by_sex": make_table(
            "forms_by_sex",
            "Formes d'exploitation selon le sexe",
            row_title="Forme",
            columns=SEX,
            rows=[
                ("SEXUAL", "exploitation sexuelle", [3100, 395, None, None]),
                ("LABOUR_OTHER", "travail", [120, 210, None, None]),
            ],
            total=4085,
        ),
        "holders_by_size": make_table(
            "holders_by_size",
            "Victimes déclarées selon la taille de l'association",
            population="declared",
            rows=[("1-9", "moins de 10", [None]), ("10-49", "10 à 49", [410]), ("200+", "200 ou plus", [4335])],
            total=4760,
        ),
        "persons_by_holders": make_table(
            "persons_by_holders",
            "Personnes selon le nombre d'associations",
            row_title="Associations",
            rows=[("1", "une association", [3480]), ("2", "deux associations", [540]), ("3+", "trois ou plus", [65])],
            total=4085,
        ),
    }
    return {
        "version": 1,
        "year": year,
        "sources": {"run_id": 7, "release_id": None, "holders": 44},
        "rules": {"threshold": 10, "rounding_base": 5},
        "tables": tables,
        "key": {
            "declared": 4760,
            "distinct": 4085,
            "identified": 1215,
            "supported": 2870,
            "duplication_rate": 0.142,
            "holders": 44,
        },
        "population": {
            "status": "estimated",
            "estimate": 6920,
            "low": 5810,
            "high": 8650,
            "level": 0.95,
            "known": 4085,
            "model": "effets principaux et 2 interactions",
            "method": "pas à pas",
            "lists": 6,
            "notes": [],
        },
        "history": [{"year": year - 1, "declared": 4400, "distinct": 3810}],
    }
