"""Intégration : un vrai worker Celery sur Redis agrège une validation puis produit le rapport PDF du mois."""

import io
import re
import time

import pytest
from pypdf import PdfReader

from commun.mois import mois_precedent
from dispositifs.models import TypeDispositif
from indicateurs import calendrier
from indicateurs.models import Agregat, Rapport, StatutRapport
from indicateurs.services import demander_rapport, enregistrer_declaration, transmettre, valider
from tests.dispositifs.factories import DispositifFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory


def attendre(condition, delai=60):
    """Le worker travaille dans son propre fil : on regarde la base jusqu'à ce que ce soit fait."""
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if resultat := condition():
            return resultat
        time.sleep(0.2)
    raise AssertionError("Le worker n'a pas fini à temps.")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_une_validation_donne_l_agregat_puis_le_rapport_pdf_le_montre(worker_celery, instructeur):
    region = RegionFactory()
    nord = TerritoireFactory(code="59", nom="Nord", parent=region)
    lhss = TypeDispositif.objects.get(code="LHSS")
    dispositifs = [DispositifFactory(type=lhss, territoire=nord) for _ in range(3)]
    mois = mois_precedent(calendrier.aujourd_hui())
    for file_active, dispositif in zip((40, 25, 12), dispositifs, strict=True):
        declaration = enregistrer_declaration(
            dispositif=dispositif, mois=mois, valeurs={"file_active": file_active, "nouvelles_personnes": 7}
        )
        transmettre(declaration=declaration)
        valider(declaration=declaration, user=instructeur)  # chaque validation envoie sa tâche au worker

    agregat = attendre(
        lambda: Agregat.objects.filter(
            indicateur__code="file_active", territoire=region, granularite="mois", periode=mois, nb_dispositifs=3
        ).first()
    )
    assert agregat.valeur == 77

    rapport = demander_rapport(territoire=region, mois=mois, public=False, user=instructeur)
    rapport = attendre(lambda: Rapport.objects.filter(pk=rapport.pk, statut=StatutRapport.PRET).first())
    with rapport.fichier.open("rb") as pdf:
        texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Région : Hauts-de-France" in texte
    assert re.search(r"File active\s+77\s+personnes", texte)  # 40 + 25 + 12
    assert re.search(r"Nouvelles personnes accueillies\s+21\s+personnes", texte)  # 3 × 7
