"""La complétude (validées / attendues) : une définition, le même chiffre sur le tableau de bord interne et public,
dans le rapport PDF et sur le suivi des déclarations, pour les mêmes filtres."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dispositifs.models import TypeDispositif
from indicateurs.agregation import agreger_periode
from indicateurs.completude import completude
from indicateurs.models import Granularite, Rapport, StatutDeclaration
from indicateurs.rapports import donnees_du_rapport
from indicateurs.services import generer_rapport
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db
SEPTEMBRE, OCTOBRE = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)


@pytest.fixture
def region(region_hdf):
    """Comme la démonstration : sept dispositifs en service, dont un rattaché à la région et un dans un territoire
    de santé ; en septembre, une seule déclaration validée (le seul LHSS du Nord : son agrégat dit 1 sur 1), les
    autres transmises ou absentes ; en octobre, rien de validé."""
    lhss, lam = TypeDispositif.objects.get(code="LHSS"), TypeDispositif.objects.get(code="LAM")
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    lille = TerritoireFactory(territoire_sante=True, code="32-lille", nom="Lille", parent=nord)
    somme = TerritoireFactory(code="80", nom="Somme", parent=region_hdf)
    TerritoireFactory(code="02", nom="Aisne", parent=region_hdf)  # un département sans dispositif
    valide = DispositifFactory(territoire=nord, type=lhss)
    ValeurFactory(declaration=DeclarationFactory(dispositif=valide, mois=SEPTEMBRE), valeur=25)
    transmis = [
        DispositifFactory(territoire=t, type=lam) for t in (nord, lille, somme, somme, region_hdf)
    ]  # LAM : deux dans le Nord (dont Lille), deux dans la Somme, un « Hainaut et Aisne » rattaché à la région
    for dispositif in transmis:
        for mois in (SEPTEMBRE, OCTOBRE):
            DeclarationFactory(dispositif=dispositif, mois=mois, statut=StatutDeclaration.TRANSMISE)
    DispositifFactory(territoire=somme, type=lhss, nom="LHSS muet")  # rien déclaré
    DispositifFactory(territoire=somme, type=lhss, projet=True)  # un projet n'est pas attendu
    agreger_periode(debut=SEPTEMBRE, fin=datetime.date(2026, 11, 1))
    return region_hdf


def sur_le_tableau(client, url, mois):
    reponse = client.get(url, {"region": "32", "debut": f"{mois:%Y-%m}", "fin": f"{mois:%Y-%m}"})
    return reponse.context["tableau"].completude[-1], reponse.content.decode()


def sur_le_suivi(client, mois):
    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": f"{mois:%Y-%m}"})
    return reponse.context["suivi"].total.completude, reponse.content.decode()


def dans_le_rapport(region, mois, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rapport = Rapport.objects.create(territoire=region, mois=mois)
    total = donnees_du_rapport(rapport)["tableau"].completude[-1]
    with generer_rapport(rapport=rapport).fichier.open("rb") as pdf:
        texte = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    return total, texte


@pytest.mark.parametrize(
    ("mois", "attendu", "affiche"),
    [(SEPTEMBRE, (1, 7, Decimal("14.3")), "14,3 %"), (OCTOBRE, (0, 7, 0), "0 %")],
)
def test_le_tableau_de_bord_le_public_le_pdf_et_le_suivi_donnent_la_meme_completude(
    client, planificateur, region, settings, tmp_path, mois, attendu, affiche
):
    client.force_login(planificateur)
    interne, html_interne = sur_le_tableau(client, reverse("indicateurs:tableau:region"), mois)
    public, html_public = sur_le_tableau(client, reverse("indicateurs:tableau:public"), mois)
    suivi, html_suivi = sur_le_suivi(client, mois)
    rapport, texte_pdf = dans_le_rapport(region, mois, settings, tmp_path)

    for ligne in (interne, public, suivi, rapport):
        assert (ligne.nb_declarations, ligne.nb_attendues, ligne.taux) == attendu
    for rendu in (html_interne, html_public, html_suivi, texte_pdf):
        assert re.search(rf"(?<![\d,]){affiche}", rendu)  # « 0 % », pas la fin de « 100 % »


def test_chaque_ligne_compte_ses_attendues_meme_sans_validation(region):
    lignes = completude(
        perimetre=region,
        lignes=list(region.enfants.order_by("code")),
        granularite=Granularite.MOIS,
        periode=SEPTEMBRE,
        aujourd_hui=datetime.date(2026, 11, 23),
    )

    assert [(ligne.libelle, ligne.nb_declarations, ligne.nb_attendues) for ligne in lignes] == [
        ("Aisne (02)", 0, 0),
        ("Nord (59)", 1, 3),
        ("Somme (80)", 0, 3),
        ("Sans département (rattachés à la région)", 0, 1),
        ("Total", 1, 7),
    ]


def test_un_trimestre_attend_chaque_mois_fini(region):
    # Au 23 novembre, le 4e trimestre n'a qu'un mois fini (octobre) ; le 3e en a trois.
    quatrieme, troisieme = (
        completude(
            perimetre=region,
            lignes=[],
            granularite=Granularite.TRIMESTRE,
            periode=periode,
            aujourd_hui=datetime.date(2026, 11, 23),
        )[-1]
        for periode in (OCTOBRE, datetime.date(2026, 7, 1))
    )

    assert (quatrieme.nb_declarations, quatrieme.nb_attendues) == (0, 7)
    assert (troisieme.nb_declarations, troisieme.nb_attendues) == (1, 21)


def test_une_periode_pas_encore_finie_n_attend_rien(region):
    novembre = completude(
        perimetre=region,
        lignes=[],
        granularite=Granularite.MOIS,
        periode=datetime.date(2026, 11, 1),
        aujourd_hui=datetime.date(2026, 11, 23),
    )[-1]

    assert (novembre.nb_attendues, novembre.taux) == (0, None)


def test_le_suivi_a_la_ligne_sans_departement_du_tableau_de_bord(client, planificateur, region):
    client.force_login(planificateur)
    reponse = client.get(reverse("indicateurs:tableau:region"), {"region": "32", "debut": "2026-09", "fin": "2026-09"})
    du_tableau = next(ligne for ligne in reponse.context["tableau"].completude if ligne.libelle.startswith("Sans"))

    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": "2026-09"})
    suivi = reponse.context["suivi"]
    hors = [compte for compte in suivi.lignes if compte.territoire is None]
    export = client.get(reverse("indicateurs:export_suivi"), {"region": "32", "mois": "2026-09"}).content.decode()

    # Le LAM « Hainaut et Aisne », rattaché à la région : attendu, reçu (transmis), pas encore validé.
    assert [(c.libelle, c.attendus, c.recus, c.a_l_heure) for c in hors] == [
        ("Sans département (rattachés à la région)", 1, 1, 0)
    ]
    assert (hors[0].completude.libelle, hors[0].completude.nb_declarations, hors[0].completude.nb_attendues) == (
        du_tableau.libelle,
        du_tableau.nb_declarations,
        du_tableau.nb_attendues,
    )
    assert suivi.lignes[-1] is hors[0]  # après les départements, avant le total
    assert sum(c.attendus for c in suivi.lignes if c.territoire is None or c.territoire.niveau == "departement") == (
        suivi.total.attendus
    )
    assert '<th scope="row">Sans département (rattachés à la région)</th>' in reponse.content.decode()
    assert "Sans département (rattachés à la région);;;1;1;0;100.0;0.0;0;0" in export
