"""Les fonctions pures de `manage.py mesurer_depots` : sans base, sans serveur, sans réseau.

La mesure elle-même (gunicorn, PostgreSQL, 50 opérateurs) se lance avec `make load-depot`.
"""

from appels.management.commands.mesurer_depots import (
    DepotEnBase,
    Plan,
    Requete,
    centile,
    champ_cache,
    classer_refus,
    doit_continuer,
    numero_de,
    problemes,
    sorte_du_tour,
    url_de_la_base,
    verifier,
    version_suivante,
)

CLOTURE = 1_000.0


def accepte(cle, numero, envoi=990.0, sorte="simple", latence_ms=100):
    return Requete(0, sorte, cle, envoi, latence_ms=latence_ms, statut=302, numero=numero)


def refuse(cle, refus, envoi=CLOTURE + 1, sorte="simple", version_lue="3"):
    return Requete(0, sorte, cle, envoi, latence_ms=200, statut=400, refus=refus, version_lue=version_lue)


def en_base(*paires, depose_le=995.0):
    return [DepotEnBase(numero, cle, depose_le) for numero, cle in paires]


def test_centile_au_rang_le_plus_proche():
    assert centile(list(range(1, 21)), 95) == 19
    assert centile([30, 10, 20], 50) == 20
    assert centile([7], 95) == 7
    assert centile([], 95) == 0


def test_le_numero_se_lit_dans_la_redirection_vers_le_depot():
    assert numero_de("/candidatures/depots/AMI-2026-001-00042/") == "AMI-2026-001-00042"
    assert numero_de("/connexion/?next=/appels/x/lettre/deposer/") == ""


def test_les_refus_sont_classes_par_leur_message():
    assert classer_refus("<li>Dépôt refusé : la date limite était le 12/06/2026 à 14 h 00</li>") == "date_limite"
    assert classer_refus("<li>L&#x27;appel est fermé depuis le 12/06/2026 à 14 h 00</li>") == "appel_ferme"
    assert classer_refus("<li>Ce brouillon a été enregistré ailleurs (autre onglet)</li>") == "conflit_version"
    assert classer_refus("<li>Indiquez le budget demandé.</li>") == "autre"


def test_un_champ_cache_se_lit_sans_separateur_de_milliers():
    html = '<input type="hidden" name="version_brouillon" value="1\xa0000"><input name="organisme" value="7">'

    assert champ_cache(html, "version_brouillon") == "1000"
    assert champ_cache(html, "organisme") == "7"
    assert champ_cache(html, "cle_depot") is None


def test_la_base_jetable_garde_hote_utilisateur_et_options():
    url = "postgres://praps:secret@127.0.0.1:5432/praps?sslmode=disable"

    assert url_de_la_base(url, "praps_charge_depots") == (
        "postgres://praps:secret@127.0.0.1:5432/praps_charge_depots?sslmode=disable"
    )


def test_un_deroulement_conforme_ne_signale_rien():
    requetes = [
        accepte("a", "AMI-1", latence_ms=100),
        accepte("b", "AMI-2", latence_ms=300),
        accepte("b", "AMI-2", sorte="rejeu"),
        accepte("c", "AMI-3", sorte="double_clic"),
        refuse("c", "conflit_version", envoi=991.0, sorte="double_clic"),
        refuse("d", "appel_ferme"),
        refuse("e", "date_limite", envoi=999.5),
    ]

    bilan = verifier(requetes, en_base(("AMI-1", "a"), ("AMI-2", "b"), ("AMI-3", "c")), CLOTURE)

    assert list(bilan)[:6] == ["acceptees", "refusees_hors_delai", "perdues", "doublons", "depots_par_s", "p95_ms"]
    assert (bilan["acceptees"], bilan["refusees_hors_delai"], bilan["perdues"], bilan["doublons"]) == (3, 2, 0, 0)
    assert bilan["depots_par_s"] == 0.3  # 3 dépôts en 10 s, du premier envoi à la date limite
    assert bilan["tardives_mal_refusees"] == 0 and bilan["fantomes"] == 0 and bilan["trous_de_numerotation"] == 0
    assert bilan["doubles_clics_acceptes"] == 1 and bilan["doubles_clics_second_refuse_conflit"] == 1
    assert bilan["rejeux_meme_numero"] == 1
    assert problemes(bilan | {"erreurs_serveur": 0, "incidents_clients": 0}) == []


def test_un_numero_de_sequence_manquant_est_un_trou():
    depots = en_base(("AMI-2026-001-00001", "a"), ("AMI-2026-001-00003", "c"))

    assert verifier([], depots, CLOTURE)["trous_de_numerotation"] == 1


def test_un_depot_accepte_mais_absent_de_la_base_est_perdu():
    bilan = verifier([accepte("a", "AMI-1"), accepte("b", "AMI-2")], en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["perdues"] == 1
    assert "dépôts acceptés mais absents de la base (perdus) : 1" in problemes(
        bilan | {"erreurs_serveur": 0, "incidents_clients": 0}
    )


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


def test_un_envoi_sans_reponse_compte_et_son_depot_est_un_fantome():
    sans_reponse = Requete(0, "simple", "a", 990.0, latence_ms=30_000)

    bilan = verifier([sans_reponse], en_base(("AMI-1", "a")), CLOTURE)

    assert bilan["sans_reponse_ou_5xx"] == 1 and bilan["fantomes"] == 1 and bilan["perdues"] == 0


def test_la_version_suivante_vient_de_la_page_de_refus_ou_des_depots_acceptes():
    assert version_suivante([accepte("a", "AMI-1")], 4) == 5
    assert (
        version_suivante([accepte("a", "AMI-1"), accepte("a", "AMI-1", sorte="rejeu")], 4) == 5
    )  # rejeu : même brouillon
    assert version_suivante([refuse("a", "appel_ferme", version_lue="4")], 4) == 4
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
