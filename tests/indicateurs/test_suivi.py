"""L'attendu et le reçu : taux de déclaration et de ponctualité par département, territoire de santé et
région, sur un petit jeu dont on connaît les comptes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dispositifs.models import Statut
from indicateurs.models import MomentRelance, Relance, StatutDeclaration
from indicateurs.services import relancer_declarations
from indicateurs.suivi import calculer_suivi
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
OCTOBRE = datetime.date(2026, 10, 1)  # échéance le 10 novembre 2026


def transmise(dispositif, le, statut=StatutDeclaration.TRANSMISE):
    return DeclarationFactory(dispositif=dispositif, mois=OCTOBRE, statut=statut, transmise_le=le)


@pytest.fixture
def jeu(region_hdf, departement, type_lhss):
    """Nord : 4 attendus (1 à l'heure dans le territoire de Lille, 1 en retard, 1 brouillon, 1 rien) ;
    Somme : 1 validé à l'heure ; plus un projet et un dispositif d'Île-de-France, qui ne comptent pas."""
    lille = TerritoireFactory(territoire_sante=True, code="32-lille", nom="Lille", parent=departement)
    somme = TerritoireFactory(code="80", nom="Somme")
    dans = {"type": type_lhss}
    transmise(DispositifFactory(territoire=lille, **dans), datetime.datetime(2026, 11, 5, 10, tzinfo=PARIS))
    # 00 h 30 à Paris le 11 novembre, encore le 10 en UTC : en retard.
    transmise(DispositifFactory(territoire=departement, **dans), datetime.datetime(2026, 11, 11, 0, 30, tzinfo=PARIS))
    DeclarationFactory(dispositif=DispositifFactory(territoire=departement, **dans), mois=OCTOBRE, statut="brouillon")
    DispositifFactory(territoire=departement, nom="LHSS muet", **dans)
    transmise(
        DispositifFactory(territoire=somme, statut=Statut.AUTORISE, **dans),
        datetime.datetime(2026, 11, 10, 23, 59, tzinfo=PARIS),
        statut=StatutDeclaration.VALIDEE,
    )
    DispositifFactory(territoire=somme, projet=True, **dans)
    paris = TerritoireFactory(code="75", nom="Paris", parent=RegionFactory(code="11", nom="Île-de-France"))
    DispositifFactory(territoire=paris, **dans)
    return {"nord": departement, "lille": lille, "somme": somme}


def comptes(suivi):
    return {
        c.territoire.nom: (c.attendus, c.recus, c.a_l_heure, c.taux_declaration, c.taux_a_l_heure)
        for c in suivi.lignes
    }


def test_les_taux_par_territoire_et_pour_la_region(jeu, region_hdf, administrateur):
    from config.policy import dispositifs_suivis

    suivi = calculer_suivi(
        dispositifs=dispositifs_suivis(administrateur),
        region=region_hdf,
        mois=OCTOBRE,
        aujourd_hui=datetime.date(2026, 11, 23),
    )

    assert comptes(suivi) == {
        "Nord": (4, 2, 1, 50.0, 25.0),
        "Lille": (1, 1, 1, 100.0, 100.0),
        "Somme": (1, 1, 1, 100.0, 100.0),
    }
    total = suivi.total
    assert (total.attendus, total.recus, total.a_l_heure, total.taux_declaration, total.taux_a_l_heure) == (
        5,
        3,
        2,
        60.0,
        40.0,
    )
    assert sorted(d.declaration_statut or "aucune" for d in suivi.manquants) == ["aucune", "brouillon"]


def test_la_page_montre_les_manquants_et_le_lien_de_derogation(client, jeu, planificateur):
    client.force_login(planificateur)

    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": "2026-10"})

    contenu = reponse.content.decode()
    assert "LHSS muet" in contenu
    assert "Non reçues (2)" in contenu
    assert "Rouvrir" in contenu


def test_la_dreets_consulte_sans_pouvoir_rouvrir(client, jeu, dreets):
    client.force_login(dreets)

    reponse = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"})

    assert reponse.context["suivi"].total.attendus == 5  # sa région par défaut
    assert "Rouvrir" not in reponse.content.decode()


def test_un_agent_ne_suit_que_sa_region(client, jeu, region_idf):
    client.force_login(UtilisateurFactory(planificateur=True, region=region_idf))

    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": "2026-10"})

    assert reponse.context["suivi"] is None  # la région 32 n'est pas un choix possible
    assert "region" in reponse.context["form"].errors


def test_l_export_csv_des_taux_et_des_dispositifs(client, jeu, planificateur):
    client.force_login(planificateur)
    url = reverse("indicateurs:export_suivi")

    taux = client.get(url, {"region": "32", "mois": "2026-10"}).content.decode().lstrip("\ufeff").splitlines()
    detail = client.get(url, {"region": "32", "mois": "2026-10", "contenu": "dispositifs"}).content.decode()

    assert taux[0].startswith("Territoire;Code;Niveau;Attendues;Reçues")
    assert taux[0].endswith("Validées;Complétude (%)")
    assert "Nord;59;Département;4;2;1;50.0;25.0;0;0" in taux
    assert taux[-1] == "Hauts-de-France;32;Région;5;3;2;60.0;40.0;1;20"  # une validée sur cinq attendues
    assert detail.count("\n") == 6  # en-tête et cinq dispositifs attendus
    assert "LHSS muet" in detail


def test_les_relances_envoyees_sont_listees_sur_la_page(client, planificateur, lhss, lhss_autre, operateur):
    """lhss a un compte membre : relancé avant puis après l'échéance d'octobre, et listé deux fois ; l'organisme de
    lhss_autre n'a que son compte désactivé : personne à relancer, aucune relance écrite."""
    lhss_autre.organisme.membres.update(is_active=False)
    relancer_declarations(aujourd_hui=datetime.date(2026, 11, 7))
    relancer_declarations(aujourd_hui=datetime.date(2026, 11, 11))
    client.force_login(planificateur)

    page = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).content.decode()

    relances = page[page.index('id="relances"') :]
    assert "Relances envoyées (2)" in relances
    assert relances.count("LHSS fictif de Lille") == 2 and "LHSS fictif d&#x27;Amiens" not in relances
    assert "Avant l&#x27;échéance" in relances and "Après l&#x27;échéance" in relances


def test_un_organisme_sans_compte_membre_apparait_comme_personne_a_relancer(
    client, planificateur, lhss, departement, type_lhss
):
    """L'organisme de lhss a un compte membre (l'opérateur) ; celui du LHSS orphelin n'en a aucun."""
    DispositifFactory(nom="LHSS orphelin", territoire=departement, type=type_lhss)
    client.force_login(planificateur)

    page = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).content.decode()

    manquants = page[page.index("Non reçues") : page.index('id="relances"')]
    lignes = manquants.split("<tr>")
    ligne_orphelin = next(ligne for ligne in lignes if "LHSS orphelin" in ligne)
    ligne_lille = next(ligne for ligne in lignes if "LHSS fictif de Lille" in ligne)
    assert "Personne à relancer" in ligne_orphelin and "Personne à relancer" not in ligne_lille
    assert "Aucune relance envoyée pour ce mois." in page


def test_une_declaration_recue_s_ouvre_depuis_le_suivi(client, planificateur, dreets, jeu):
    client.force_login(planificateur)
    page = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).content.decode()
    client.force_login(dreets)
    page_dreets = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).content.decode()

    recues = page[page.index('id="recues"') :]
    assert "Reçues (3)" in recues
    validee = DeclarationFactory._meta.model.objects.get(statut=StatutDeclaration.VALIDEE)
    assert reverse("indicateurs:validation_declaration", args=[validee.pk]) in recues
    assert 'id="recues"' not in page_dreets  # la DREETS consulte, elle ne valide ni ne rouvre


@pytest.mark.parametrize("nombre", [1, 20])
def test_nombre_de_requetes_constant(client, planificateur, departement, type_lhss, nombre, django_assert_num_queries):
    for _ in range(nombre):
        dispositif = DispositifFactory(territoire=departement, type=type_lhss)
        transmise(dispositif, datetime.datetime(2026, 11, 5, tzinfo=PARIS))
        Relance.objects.create(dispositif=dispositif, mois=OCTOBRE, moment=MomentRelance.AVANT)
        DispositifFactory(territoire=departement, type=type_lhss)  # non reçu, organisme sans compte
    client.force_login(planificateur)

    # Session, utilisateur, sa région (défaut), région choisie (contrôle du filtre), dispositifs annotés (avec
    # « quelqu'un à relancer »), territoires de la région, relances du mois, complétude (dispositifs et
    # déclarations validées), régions du menu déroulant, région de l'en-tête.
    with django_assert_num_queries(10):
        assert client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).status_code == 200
