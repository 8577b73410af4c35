"""Les valeurs avant → après écrites comme à l'écran : django-auditlog garde des textes (« True », « 77630 »,
une date UTC) qu'un agent ne doit pas lire tels quels."""

import pytest

from indicateurs.models import Rapport, VersionRapport
from journal.models import libelle


def champ(modele, nom):
    return modele._meta.get_field(nom)


@pytest.mark.parametrize(
    ("modele", "nom", "texte", "attendu"),
    [
        (VersionRapport, "provisoire", "False", "non"),
        (VersionRapport, "provisoire", "True", "oui"),
        (VersionRapport, "taille", "77630", "77\xa0630"),
        (VersionRapport, "completude", "88.90", "88,9"),
        (Rapport, "genere_le", "2026-12-05 11:47:03.443681", "5 décembre 2026 à 12:47"),  # UTC → Paris
        (Rapport, "mois", "2026-09-01", "1 septembre 2026"),
        (Rapport, "statut", "pret", "Prêt"),
        (Rapport, "fichier", "rapports/a.pdf", "rapports/a.pdf"),
        (Rapport, "genere_le", "pas une date", "pas une date"),
        (Rapport, "genere_le", None, None),
    ],
)
def test_une_valeur_du_journal_s_ecrit_comme_a_l_ecran(modele, nom, texte, attendu):
    assert libelle(champ(modele, nom), texte) == attendu
