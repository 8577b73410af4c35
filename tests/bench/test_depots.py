"""`python -m bench.depots` (`make load-depot`) sans gunicorn ni réseau : la lecture des réponses de la page de dépôt
(contre la vraie page, par le client de test), la confrontation à la base et le déroulement des opérateurs.

La mesure elle-même (gunicorn, PostgreSQL, 50 opérateurs) se lance avec `make load-depot`.
"""

import datetime

import pytest
from django.utils import timezone

from appels.models import Depot
from bench.depots.donnees import depots_en_base
from bench.depots.navigateur import champ_cache, classer_refus, numero_de
from bench.depots.operateurs import Plan, doit_continuer, lettre, sorte_du_tour, version_suivante
from bench.depots.reference import CHEMIN, TABLE, creer_table
from bench.depots.verification import DepotEnBase, Requete, avancement, objectifs, problemes, verifier
from tests.appels.factories import AppelFactory

CLOTURE = 1_000.0
SANS_INCIDENT = {"erreurs_serveur": 0, "incidents_clients": 0}


def accepte(cle, numero, envoi=990.0, sorte="simple", latence_ms=100):
    return Requete(0, sorte, cle, envoi, latence_ms=latence_ms, statut=302, numero=numero)


def refuse(cle, refus, envoi=CLOTURE + 1, sorte="simple", version_lue="3"):
    return Requete(0, sorte, cle, envoi, latence_ms=200, statut=400, refus=refus, version_lue=version_lue)


def en_base(*paires, depose_le=995.0):
    return [DepotEnBase(numero, cle, depose_le) for numero, cle in paires]


# Les réponses de la vraie page de dépôt -----------------------------------------------------------------------


@pytest.fixture
def appel(region_hdf):
    return AppelFactory(region=region_hdf, reference="charge-essai")


def deposer(client, appel, organisme, *, version=0, cle="cle-1", **donnees):
    """Le bouton « Déposer » avec la lettre que les opérateurs simulés envoient."""
    territoire = appel.region.enfants.first() or appel.region
    envoi = lettre(territoire=territoire.code, budget=250_001) | donnees
    envoi |= {"organisme": organisme.pk, "version_brouillon": version, "cle_depot": cle}
    return client.post(f"/appels/{appel.reference}/lettre/deposer/", envoi)


@pytest.mark.django_db
def test_la_lettre_de_la_mesure_est_acceptee_et_son_numero_se_lit_dans_la_redirection(
    client, operateur, organisme, appel
):
    client.force_login(operateur)

    reponse = deposer(client, appel, organisme)

    assert reponse.status_code == 302
    assert numero_de(reponse["Location"]) == Depot.objects.get().numero


@pytest.mark.django_db
def test_un_depot_tardif_est_reconnu_hors_delai_au_code_de_la_page(client, operateur, organisme, appel):
    client.force_login(operateur)
    appel.cloture = timezone.now() - datetime.timedelta(seconds=1)
    appel.save()

    reponse = deposer(client, appel, organisme)

    contenu = reponse.content.decode()
    assert reponse.status_code == 400
    assert classer_refus(contenu) == "date_limite"
    assert champ_cache(contenu, "version_brouillon") == "0"
    assert not Depot.objects.exists()


@pytest.mark.django_db
def test_un_refus_pendant_que_l_appel_est_ouvert_n_est_pas_hors_delai(client, operateur, organisme, appel):
    client.force_login(operateur)

    reponse = deposer(client, appel, organisme, budget_demande="")

    assert reponse.status_code == 400
    assert classer_refus(reponse.content.decode()) == "autre"


def test_un_refus_se_reconnait_au_code_de_la_page_et_pas_au_texte_du_message():
    assert classer_refus('<div role="alert" data-refus="hors_delai"><li>Refusé.</li></div>') == "date_limite"
    assert classer_refus('<div role="alert" data-refus="appel_ferme"></div>') == "appel_ferme"
    assert classer_refus('<div role="alert" data-refus="conflit"></div>') == "conflit_version"
    assert classer_refus('<div role="alert" data-refus="obligatoire"></div>') == "autre"
    assert classer_refus("<li>Dépôt refusé : la date limite était le 12/06/2026 à 14 h 00</li>") == "autre"


def test_le_numero_se_lit_dans_la_redirection_vers_le_depot():
    assert numero_de("/candidatures/depots/AMI-2026-001-00042/") == "AMI-2026-001-00042"
    assert numero_de("/connexion/?next=/appels/x/lettre/deposer/") == ""


def test_un_champ_cache_se_lit_sans_separateur_de_milliers():
    html = '<input type="hidden" name="version_brouillon" value="1\xa0000"><input name="organisme" value="7">'

    assert champ_cache(html, "version_brouillon") == "1000"
    assert champ_cache(html, "organisme") == "7"
    assert champ_cache(html, "cle_depot") is None


# La confrontation à la base -----------------------------------------------------------------------------------


def test_un_deroulement_conforme_ne_signale_rien():
    requetes = [
        accepte("a", "AMI-1", latence_ms=100),
        accepte("b", "AMI-2", latence_ms=300),
        accepte("b", "AMI-2", sorte="rejeu"),
        accepte("c", "AMI-3", sorte="double_clic"),
        refuse("c", "conflit_version", envoi=991.0, sorte="double_clic"),
        refuse("d", "date_limite", envoi=999.5),
        refuse("e", "date_limite"),
    ]

    bilan = verifier(requetes, en_base(("AMI-1", "a"), ("AMI-2", "b"), ("AMI-3", "c")), CLOTURE)

    assert list(bilan)[:6] == ["acceptees", "refusees_hors_delai", "perdues", "doublons", "depots_par_s", "p95_ms"]
    assert (bilan["acceptees"], bilan["refusees_hors_delai"], bilan["perdues"], bilan["doublons"]) == (3, 2, 0, 0)
    assert bilan["depots_par_s"] == 0.3  # 3 dépôts en 10 s, du premier envoi à la date limite
    assert bilan["tardives_mal_refusees"] == 0 and bilan["fantomes"] == 0 and bilan["trous_de_numerotation"] == 0
    assert bilan["doubles_clics_acceptes"] == 1 and bilan["doubles_clics_second_refuse_conflit"] == 1
    assert bilan["rejeux_meme_numero"] == 1
    assert problemes(bilan | SANS_INCIDENT) == []


def test_un_brouillon_refuse_appel_ferme_et_un_depot_refuse_a_l_heure_sont_deux_refus_hors_delai():
    requetes = [refuse("a", "appel_ferme", envoi=CLOTURE - 0.2), refuse("b", "date_limite", envoi=CLOTURE)]

    bilan = verifier(requetes, [], CLOTURE)

    assert (bilan["refus_appel_ferme"], bilan["refus_date_limite"], bilan["refusees_hors_delai"]) == (1, 1, 2)


def test_un_refus_qui_n_est_ni_hors_delai_ni_un_conflit_est_inattendu():
    requetes = [accepte("a", "AMI-1"), refuse("b", "autre", envoi=995.0)]

    bilan = verifier(requetes, en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["refus_autres"] == 1
    assert "refus inattendus : 1" in problemes(bilan | SANS_INCIDENT)


def test_un_numero_de_sequence_manquant_est_un_trou():
    depots = en_base(("AMI-2026-001-00001", "a"), ("AMI-2026-001-00003", "c"))

    assert verifier([], depots, CLOTURE)["trous_de_numerotation"] == 1


def test_un_depot_accepte_mais_absent_de_la_base_est_perdu():
    bilan = verifier([accepte("a", "AMI-1"), accepte("b", "AMI-2")], en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["perdues"] == 1
    assert "dépôts acceptés mais absents de la base (perdus) : 1" in problemes(bilan | SANS_INCIDENT)


def test_un_numero_donne_a_deux_depots_est_un_doublon():
    bilan = verifier([accepte("a", "AMI-1"), accepte("b", "AMI-1")], en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["doublons"] == 1
    assert bilan["perdues"] == 1  # le dépôt « b » n'est pas celui que porte ce numéro


def test_un_double_clic_accepte_deux_fois_sous_deux_numeros_est_un_doublon():
    requetes = [accepte("a", "AMI-1", sorte="double_clic"), accepte("a", "AMI-2", sorte="double_clic")]

    assert verifier(requetes, en_base(("AMI-1", "a"), ("AMI-2", "a")), CLOTURE)["doublons"] >= 1


def test_un_envoi_tardif_accepte_ou_mal_refuse_est_signale():
    requetes = [accepte("a", "AMI-1", envoi=CLOTURE + 0.5), refuse("b", "autre")]

    bilan = verifier(requetes, en_base(("AMI-1", "a"), depose_le=CLOTURE + 0.6), CLOTURE)

    assert bilan["tardives_mal_refusees"] == 2
    assert bilan["depots_apres_date_limite"] == 1


def test_un_rejeu_tardif_renvoye_au_depot_accepte_avant_la_date_limite_est_bien_traite():
    requetes = [
        accepte("a", "AMI-1", envoi=CLOTURE - 0.5),
        accepte("a", "AMI-1", envoi=CLOTURE + 0.5, sorte="rejeu"),
        accepte("b", "AMI-2", envoi=CLOTURE - 0.1, sorte="double_clic"),
        accepte("b", "AMI-2", envoi=CLOTURE, sorte="double_clic"),
    ]

    bilan = verifier(requetes, en_base(("AMI-1", "a"), ("AMI-2", "b")), CLOTURE)

    assert (bilan["envois_tardifs"], bilan["tardives_mal_refusees"]) == (2, 0)


def test_un_envoi_sans_reponse_compte_et_son_depot_est_un_fantome():
    sans_reponse = Requete(0, "simple", "a", 990.0, latence_ms=30_000)

    bilan = verifier([sans_reponse], en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["sans_reponse_ou_5xx"] == 1 and bilan["fantomes"] == 1 and bilan["perdues"] == 0


def test_l_avancement_compte_les_acceptes_et_les_refus_hors_delai():
    requetes = [accepte("a", "AMI-1"), accepte("a", "AMI-1", sorte="rejeu"), refuse("b", "date_limite")]

    assert avancement(requetes, CLOTURE, maintenant=CLOTURE + 2).startswith(
        "T+2 s : 3 envois ; 2 acceptés (1 numéros), 1 refusés hors délai, 0 autres"
    )


# Le déroulement des opérateurs --------------------------------------------------------------------------------


def test_la_version_suivante_vient_de_la_page_de_refus_ou_des_depots_acceptes():
    assert version_suivante([accepte("a", "AMI-1")], 4) == 5
    assert (
        version_suivante([accepte("a", "AMI-1"), accepte("a", "AMI-1", sorte="rejeu")], 4) == 5
    )  # rejeu : même brouillon
    assert version_suivante([refuse("a", "date_limite", version_lue="4")], 4) == 4
    double = [accepte("a", "AMI-1", sorte="double_clic"), refuse("a", "conflit_version", sorte="double_clic")]
    assert version_suivante(double, 2) == 3
    assert version_suivante([Requete(0, "simple", "a", 990.0)], 4) is None  # sans réponse : relire la page


def test_le_premier_depot_est_simple_puis_un_sur_quatre_double_et_un_sur_quatre_rejoue():
    assert {sorte_du_tour(rang, 1) for rang in range(8)} == {"simple"}
    sortes = [sorte_du_tour(0, tour) for tour in range(2, 10)]
    assert sortes.count("double_clic") == 2 and sortes.count("rejeu") == 2


def test_chacun_envoie_au_moins_une_fois_apres_la_date_limite_puis_s_arrete():
    plan = Plan(port=1, reference="x", territoire="59", cloture=CLOTURE)

    assert doit_continuer(plan, tardif=False, maintenant=CLOTURE - 1)
    assert doit_continuer(plan, tardif=True, maintenant=CLOTURE + 2)  # les 3 s qui suivent la date limite
    assert not doit_continuer(plan, tardif=True, maintenant=CLOTURE + 3)
    assert doit_continuer(plan, tardif=False, maintenant=CLOTURE + 10)  # réponse tardive : un dernier envoi
    assert not doit_continuer(plan, tardif=False, maintenant=CLOTURE + 15)


# Les objectifs et la référence --------------------------------------------------------------------------------


def test_chaque_objectif_a_sa_ligne_et_un_chiffre_absent_ne_l_atteint_pas():
    bilan = {"ratio_au_minimal": 0.8, "p95_ms": 450, "perdues": 0, "accuses_manquants": 0, "accuses_delai_s": None}

    lignes = {ligne["mesure"]: ligne for ligne in objectifs(bilan)}

    assert lignes["ratio_au_minimal"] == {
        "mesure": "ratio_au_minimal",
        "valeur": 0.8,
        "objectif": ">= 0.5",
        "atteint": True,
    }
    assert lignes["p95_ms"]["atteint"] is False
    assert lignes["accuses_delai_s"]["atteint"] is False  # des accusés manquaient encore à la fin de l'attente
    assert set(lignes) == {"ratio_au_minimal", "p95_ms", "perdues", "accuses_manquants", "accuses_delai_s"}


def test_un_accuse_manquant_fait_echouer_la_mesure(client, operateur, organisme, appel):
    client.force_login(operateur)
    deposer(client, appel, organisme)
    requetes = [accepte("cle-1", Depot.objects.get().numero)]
    bilan = verifier(requetes, depots_en_base(appel), CLOTURE) | SANS_INCIDENT

    assert "dépôts sans accusé à la fin de l'attente : 1" in problemes(bilan | {"accuses_manquants": 1})
    assert not [p for p in problemes(bilan | {"accuses_manquants": 0}) if "accusé" in p]


@pytest.mark.django_db  # la table de la référence est créée dans la transaction du test, et défaite avec elle
@pytest.mark.urls("bench.urls")
def test_la_reference_exige_la_connexion_et_le_csrf_puis_insere_une_ligne(operateur):
    from django.db import connection
    from django.test import Client

    creer_table()
    navigateur = Client(enforce_csrf_checks=True)
    navigateur.get("/connexion/")  # pose le cookie du jeton, comme pour les opérateurs simulés
    envoi = {"valeur": "x", "csrfmiddlewaretoken": navigateur.cookies["csrftoken"].value}
    assert navigateur.post(CHEMIN, envoi).status_code == 302  # anonyme : vers la connexion
    navigateur.force_login(operateur)
    assert navigateur.post(CHEMIN, {"valeur": "x"}).status_code == 403  # sans jeton CSRF
    assert navigateur.post(CHEMIN, envoi).status_code == 200
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT utilisateur_id, valeur FROM {TABLE}")
        assert curseur.fetchall() == [(operateur.pk, "x")]
