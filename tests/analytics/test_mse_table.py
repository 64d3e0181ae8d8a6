"""Reading capture tables: CSV layouts accepted, and every problem reported in French."""

import pytest

from egide_analytics.mse import CaptureTable, CaptureTableError, parse_capture_table, read_capture_table


def problems(text: str) -> list[str]:
    with pytest.raises(CaptureTableError) as caught:
        parse_capture_table(text)
    return [str(problem) for problem in caught.value.problems]


def test_comma_separated_table_with_counts():
    table = parse_capture_table("LA,NG,count\n1,0,54\n0,1,463\n1,1,15\n")
    assert table.lists == ("LA", "NG")
    assert table.cell_counts().tolist() == [54, 463, 15]


def test_semicolon_table_with_bom_spaces_and_blank_lines():
    table = parse_capture_table("\ufeffpolice ; ong ; Count\n1 ; 0 ; 5\n\n0 ; 1 ; 7\n")
    assert table.lists == ("police", "ong")
    assert table.cell_counts().tolist() == [5, 7, 0]


def test_individual_records_without_count_column_count_one_each():
    table = parse_capture_table("A\tB\tC\n1\t0\t0\n1\t0\t0\n0\t1\t1\n1\t1\t1\n")
    assert table.observed == 4
    assert table.cell_counts().tolist() == [2, 0, 0, 0, 0, 1, 1]


def test_repeated_patterns_are_added_and_zero_counts_ignored():
    table = parse_capture_table("A,B,count\n1,0,3\n0,1,0\n1,0,4\n0,0,0\n")
    assert table.cell_counts().tolist() == [7, 0, 0]
    assert table.patterns.tolist() == [[1, 0]]


def test_every_problem_is_reported_with_its_line_and_column():
    found = problems("A,B,count\n1,2,5\n0,0,3\n1,1,-2\n1,0,x\n1,0\n")
    assert found == [
        "ligne 2, colonne « B » : valeur « 2 » : 0 (absent) ou 1 (présent) est attendu.",
        "ligne 3 : motif tout à 0 : une personne observée figure sur au moins une liste.",
        "ligne 4, colonne « count » : effectif « -2 » : un entier positif ou nul est attendu.",
        "ligne 5, colonne « count » : effectif « x » : un entier positif ou nul est attendu.",
        "ligne 6 : 2 valeurs pour 3 colonnes.",
    ]


def test_header_problems():
    assert problems("A,count\n1,4\n") == ["ligne 1 : il faut au moins 2 listes (une colonne 0/1 par liste)."]
    assert problems("A,A,count\n1,0,4\n") == ["ligne 1, colonne « A » : ce nom de liste apparaît plusieurs fois."]
    assert problems("A,,count\n1,0,4\n") == ["ligne 1 : une colonne de liste n'a pas de nom."]
    assert problems("A,B,count,COUNT\n1,0,4,4\n") == ["ligne 1 : la colonne « count » apparaît plusieurs fois."]
    many = ",".join(f"L{index}" for index in range(13))
    assert problems(many + "\n") == ["ligne 1 : au plus 12 listes (13 données) : regroupez des listes."]


def test_empty_inputs():
    assert problems("") == ["le fichier est vide : il faut une ligne d'en-tête puis les motifs."]
    assert problems("A,B,count\n") == ["aucune ligne de données : il faut au moins un motif observé."]


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(CaptureTableError, match="fichier introuvable"):
        read_capture_table(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Agence régionale,ONG\n1,0\n".encode("latin-1"))
    with pytest.raises(CaptureTableError, match="UTF-8"):
        read_capture_table(latin)


def test_from_rows_validates_like_the_reader():
    with pytest.raises(CaptureTableError) as caught:
        CaptureTable.from_rows(["A", "B"], [[1, 0], [0, 0], [1, 3]], [2, 1, 1])
    assert [str(problem) for problem in caught.value.problems] == [
        "ligne 2 : une personne observée figure sur au moins une liste (motif tout à 0).",
        "ligne 3 : chaque liste vaut 0 ou 1.",
    ]


def test_keeping_some_lists_merges_patterns_and_loses_people_seen_by_the_others_only():
    table = CaptureTable.from_rows(["A", "B", "C"], [[1, 0, 0], [1, 0, 1], [0, 0, 1], [0, 1, 0]], [3, 4, 5, 6])
    kept = table.keep_lists([0, 1])
    assert kept.lists == ("A", "B")
    assert kept.cell_counts().tolist() == [7, 6, 0]
