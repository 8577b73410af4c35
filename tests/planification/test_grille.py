"""La grille des cibles d'un horizon : types × territoires, un envoi tout ou rien, collage d'un bloc de tableur,
suppression historisée et avertissement quand les départements dépassent leur région."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from dispositifs.models import TypeDispositif
from planification.models import Cible
from planification.services import modifier_cible
from tests.comptes.factories import UtilisateurFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import FranceFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carte(region_hdf):
    """Les Hauts-de-France, deux départements et un territoire de santé du Nord ; l'horizon Cibles 2019-2023."""
    nord = TerritoireFactory(code="59", nom="Nord")
    return {
        "region": region_hdf,
        "nord": nord,
        "hainaut": TerritoireFactory(code="32-hainaut", nom="Hainaut", parent=nord, territoire_sante=True),
        "pdc": TerritoireFactory(code="62", nom="Pas-de-Calais"),
        "horizon": HorizonFactory(),
        "lhss": TypeDispositif.objects.get(code="LHSS"),
        "lam": TypeDispositif.objects.get(code="LAM"),
    }


def url(carte, region="32"):
    return f"/planification/cibles/?region={region}&horizon={carte['horizon'].slug}"


def nom(type_, territoire, prefixe="c"):
    return f"{prefixe}-{type_.pk}-{territoire.pk}"


def formulaire(reponse, **valeurs) -> dict:
    """Ce que le navigateur renverrait de la grille affichée, avec les cases `valeurs` ({nom: texte}) modifiées."""
    donnees = {"action": "enregistrer", "motif": ""}
    for case in reponse.context["grille"].cases:
        donnees[case.nom], donnees[case.nom_lu] = case.saisie, case.lu
    return {**donnees, **valeurs}


def test_la_grille_montre_la_region_ses_departements_et_territoires_et_les_types_dans_leur_unite(
    client, planificateur, carte
):
    client.force_login(planificateur)

    reponse = client.get(url(carte))

    grille = reponse.context["grille"]
    assert [ligne.territoire.nom for ligne in grille.lignes] == ["Hauts-de-France", "Nord", "Hainaut", "Pas-de-Calais"]
    assert len(grille.types) == TypeDispositif.objects.count()
    contenu = reponse.content.decode()
    assert 'aria-label="LHSS · Nord, en places"' in contenu
    assert "Bloc à coller" in contenu


def test_un_envoi_enregistre_toutes_les_cases_modifiees_avec_une_ligne_d_historique_chacune(
    client, planificateur, carte
):
    CibleFactory(type=carte["lam"], territoire=carte["pdc"], horizon=carte["horizon"], valeur=8)  # inchangée
    client.force_login(planificateur)
    lue = client.get(url(carte))
    lhss, lam = carte["lhss"], carte["lam"]

    donnees = formulaire(
        lue,
        **{nom(lhss, carte["region"]): "1 200", nom(lhss, carte["nord"]): "3", nom(lam, carte["nord"]): "4"},
        motif="Diagnostic territorial 2024",
    )
    reponse = client.post(url(carte), donnees, follow=True)

    assert "3 cases enregistrées, chacune avec sa ligne d&#x27;historique." in reponse.content.decode()
    valeurs = {(c.type.code, c.territoire.code): c.valeur for c in Cible.objects.all()}
    assert valeurs == {("LHSS", "32"): 1200, ("LHSS", "59"): 3, ("LAM", "59"): 4, ("LAM", "62"): 8}
    for cible in Cible.objects.exclude(territoire=carte["pdc"]):
        (entree,) = cible.history.all()
        assert (entree.actor, entree.additional_data) == (planificateur, {"motif": "Diagnostic territorial 2024"})


def test_tout_ou_rien_une_case_illisible_n_en_enregistre_aucune_et_est_nommee(client, planificateur, carte):
    client.force_login(planificateur)
    lue = client.get(url(carte))

    donnees = formulaire(lue, **{nom(carte["lhss"], carte["nord"]): "12", nom(carte["lam"], carte["pdc"]): "beaucoup"})
    reponse = client.post(url(carte), donnees)

    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert "Rien n&#x27;a été enregistré." in contenu
    assert "LAM · Pas-de-Calais : « beaucoup » — Saisissez un nombre" in contenu
    assert 'value="12"' in contenu  # la saisie valide reste à l'écran
    assert not Cible.objects.exists()


def test_une_cible_negative_est_refusee_par_la_regle_de_la_cible(client, planificateur, carte):
    client.force_login(planificateur)

    reponse = client.post(url(carte), formulaire(client.get(url(carte)), **{nom(carte["lhss"], carte["nord"]): "-3"}))

    assert reponse.status_code == 400
    assert "Une cible ne peut pas être négative." in reponse.content.decode()
    assert not Cible.objects.exists()


def test_un_conflit_sur_une_case_parmi_plusieurs_n_enregistre_rien_et_garde_la_saisie_du_perdant(client, carte):
    case_disputee = {"type": carte["lhss"], "territoire": carte["nord"], "horizon": carte["horizon"]}
    CibleFactory(**case_disputee, valeur=50)
    autre = UtilisateurFactory(planificateur=True, first_name="Paul", last_name="Premier")
    client.force_login(UtilisateurFactory(planificateur=True))
    lue = client.get(url(carte))
    with_autre = modifier_cible(**case_disputee, valeur=Decimal(55), version_lue=1)  # pendant la saisie
    assert with_autre.version == 2 and autre  # (l'auteur n'est connu que par une requête : voir le test suivant)

    donnees = formulaire(lue, **{nom(carte["lhss"], carte["nord"]): "60", nom(carte["lam"], carte["pdc"]): "7"})
    reponse = client.post(url(carte), donnees)

    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "Pendant votre saisie, une case a changé : rien n&#x27;a été enregistré." in contenu
    assert "LHSS · Nord : Cette cible a été modifiée pendant votre saisie : elle vaut maintenant 55." in contenu
    assert "actuelle :" in contenu
    assert Cible.objects.get().valeur == 55  # ni 60, ni la case LAM
    # La saisie du perdant reste à l'écran, avec la version qu'il vient de lire : la renvoyer, après vérification,
    # enregistre les deux cases.
    renvoi = formulaire(reponse)
    assert (renvoi[nom(carte["lhss"], carte["nord"])], renvoi[nom(carte["lam"], carte["pdc"])]) == ("60", "7")
    assert client.post(url(carte), renvoi).status_code == 302
    assert {c.territoire.code: (c.valeur, c.version) for c in Cible.objects.all()} == {"59": (60, 3), "62": (7, 1)}


def test_le_conflit_nomme_qui_a_modifie_la_case(client, carte):
    CibleFactory(type=carte["lhss"], territoire=carte["nord"], horizon=carte["horizon"], valeur=50)
    premiere = UtilisateurFactory(planificateur=True, first_name="Paul", last_name="Premier")
    seconde = UtilisateurFactory(planificateur=True)
    client.force_login(seconde)
    lue_par_la_seconde = client.get(url(carte))
    client.force_login(premiere)
    client.post(url(carte), formulaire(client.get(url(carte)), **{nom(carte["lhss"], carte["nord"]): "55"}))
    client.force_login(seconde)

    reponse = client.post(url(carte), formulaire(lue_par_la_seconde, **{nom(carte["lhss"], carte["nord"]): "60"}))

    assert "modifiée par Paul Premier pendant votre saisie : elle vaut maintenant 55" in reponse.content.decode()


def test_une_case_videe_supprime_la_cible_et_son_historique_le_garde(client, planificateur, carte):
    cible = CibleFactory(type=carte["lhss"], territoire=carte["nord"], horizon=carte["horizon"], valeur=50)
    client.force_login(planificateur)
    lue = client.get(url(carte))

    donnees = formulaire(lue, **{nom(carte["lhss"], carte["nord"]): ""}, motif="Besoin couvert par le 62")
    assert client.post(url(carte), donnees).status_code == 302

    assert not Cible.objects.exists()
    apres = client.get(url(carte)).content.decode()
    lien = f"/planification/cibles/historique/{carte['horizon'].slug}/LHSS/{carte['nord'].pk}/"
    assert f'href="{lien}"' in apres  # la case vide garde son lien vers l'historique
    for adresse in (lien, f"/planification/cibles/{cible.pk}/historique/"):
        historique = client.get(adresse)
        lignes = [(c["avant"], c["apres"], c["suppression"], c["motif"]) for c in historique.context["changements"]]
        assert lignes == [(50, None, True, "Besoin couvert par le 62"), (None, 50, False, "")]
        assert "supprimée" in historique.content.decode()


def test_l_historique_d_une_case_suit_la_cible_recreee_apres_suppression(client, planificateur, carte):
    case = {"type": carte["lhss"], "territoire": carte["nord"], "horizon": carte["horizon"]}
    modifier_cible(**case, valeur=Decimal(10), version_lue=0)
    Cible.objects.get().delete()
    recreee = modifier_cible(**case, valeur=Decimal(12), version_lue=0, motif="Reprise")
    client.force_login(planificateur)

    reponse = client.get(f"/planification/cibles/{recreee.pk}/historique/")

    assert [(c["apres"], c["motif"]) for c in reponse.context["changements"]] == [
        (12, "Reprise"),
        (None, ""),
        (10, ""),
    ]


def test_coller_un_bloc_remplit_la_grille_a_partir_de_la_case_choisie_sans_enregistrer(client, planificateur, carte):
    client.force_login(planificateur)
    lue = client.get(url(carte))
    bloc = "1 200\t2\r\n3\t\r\n"  # ce que copie un tableur : tabulations, retours, nombres à la française

    donnees = formulaire(
        lue, action="coller", bloc=bloc, depart_territoire=carte["nord"].pk, depart_type=carte["lhss"].pk
    )
    reponse = client.post(url(carte), donnees)

    assert reponse.status_code == 200
    cases = {case.nom: case for case in reponse.context["grille"].cases}
    lhss_suivant = reponse.context["grille"].types[1]
    assert cases[nom(carte["lhss"], carte["nord"])].saisie == "1 200"
    assert cases[nom(lhss_suivant, carte["nord"])].saisie == "2"
    assert cases[nom(carte["lhss"], carte["hainaut"])].saisie == "3"
    assert cases[nom(carte["lhss"], carte["nord"])].collee
    assert not Cible.objects.exists()
    enregistree = client.post(url(carte), formulaire(reponse), follow=True)
    assert "3 cases enregistrées" in enregistree.content.decode()
    assert Cible.objects.get(territoire=carte["nord"], type=lhss_suivant).valeur == 2


def test_un_bloc_mal_forme_est_refuse_en_nommant_ligne_colonne_et_valeur(client, planificateur, carte):
    client.force_login(planificateur)
    lue = client.get(url(carte))
    depart = {"action": "coller", "depart_territoire": carte["hainaut"].pk, "depart_type": carte["lhss"].pk}

    illisible = client.post(url(carte), formulaire(lue, **depart, bloc="4\t5\n6\tquinze"))
    trop_grand = client.post(url(carte), formulaire(lue, **depart, bloc="1\n2\n3"))
    sans_depart = client.post(url(carte), formulaire(lue, **{**depart, "depart_type": "999999"}, bloc="1"))

    assert illisible.status_code == trop_grand.status_code == sans_depart.status_code == 400
    assert "Ligne 2, colonne 2 : « quinze » — Saisissez un nombre" in illisible.content.decode()
    assert "Ligne 3, colonne 1 : « 3 » tombe hors de la grille" in trop_grand.content.decode()
    assert "Choisissez la case où commence le bloc" in sans_depart.content.decode()
    assert all(case.saisie == "" for case in illisible.context["grille"].cases)  # rien de recopié
    assert not Cible.objects.exists()


def test_un_avertissement_quand_les_departements_depassent_leur_region(client, planificateur, carte):
    client.force_login(planificateur)
    lhss = carte["lhss"]
    donnees = {nom(lhss, carte["region"]): "70", nom(lhss, carte["nord"]): "40", nom(lhss, carte["pdc"]): "35"}
    donnees[nom(lhss, carte["hainaut"])] = "41"

    reponse = client.post(url(carte), formulaire(client.get(url(carte)), **donnees), follow=True)

    assert reponse.context["avertissements"] == [
        "LHSS : la somme des cibles des départements (75 places) dépasse la cible de la région Hauts-de-France "
        "(70 places).",
        "LHSS : la somme des cibles des territoires de santé (41 places) dépasse la cible du département Nord "
        "(40 places).",
    ]
    assert Cible.objects.count() == 4  # un avertissement, pas un refus


def test_un_avertissement_quand_les_regions_depassent_la_cible_nationale(client, national, carte, region_idf):
    """Le national ne voit que la ligne France ; la somme des cibles posées sur les régions (pas sur leurs
    départements) est comparée à la cible nationale qu'il enregistre, type par type."""
    france = FranceFactory()
    lhss, horizon = carte["lhss"], carte["horizon"]
    for territoire, valeur in ((carte["region"], 70), (region_idf, 50), (carte["nord"], 500)):
        CibleFactory(type=lhss, territoire=territoire, horizon=horizon, valeur=valeur)
    CibleFactory(type=carte["lam"], territoire=carte["region"], horizon=horizon, valeur=10)
    client.force_login(national)
    lue = client.get(url(carte, "FR"))
    donnees = {nom(lhss, france): "100", nom(carte["lam"], france): "10"}

    reponse = client.post(url(carte, "FR"), formulaire(lue, **donnees), follow=True)

    assert reponse.context["avertissements"] == [
        "LHSS : la somme des cibles des régions (120 places) dépasse la cible nationale France (100 places)."
    ]
    assert Cible.objects.get(territoire=france, type=lhss).valeur == 100  # un avertissement, pas un refus


def test_le_national_saisit_la_ligne_de_la_france_et_rien_d_autre(client, national, carte):
    france = FranceFactory()
    client.force_login(national)

    lue = client.get("/planification/cibles/")  # s'ouvre sur la France
    assert [ligne.territoire for ligne in lue.context["grille"].lignes] == [france]
    regionale = nom(carte["lhss"], carte["region"])
    donnees = formulaire(
        lue, **{nom(carte["lhss"], france): "1 500", regionale: "70", nom(carte["lhss"], france, "l"): "0:"}
    )
    assert client.post(url(carte, "FR"), donnees).status_code == 302
    refus = client.post(url(carte, "32"), {regionale: "70", nom(carte["lhss"], carte["region"], "l"): "0:"})

    assert refus.status_code == 400
    assert "region" in refus.context["form"].errors
    (cible,) = Cible.objects.all()  # seule la cible nationale
    assert (cible.territoire, cible.valeur) == (france, 1500)
    historique = client.get(f"/planification/cibles/{cible.pk}/historique/")
    assert historique.status_code == 200  # la case de la France se lit aussi


def test_un_planificateur_ne_saisit_pas_la_france_ni_une_autre_region(client, planificateur, carte, region_idf):
    FranceFactory()
    client.force_login(planificateur)

    vue = client.get(url(carte, "FR"))
    envoi = client.post(url(carte, "11"), {"action": "enregistrer"})

    assert vue.status_code == 200 and vue.context["grille"] is None
    assert "region" in vue.context["form"].errors
    assert envoi.status_code == 400
    assert not Cible.objects.exists()


def test_un_agent_dreets_consulte_mais_ne_saisit_pas(client, dreets, carte):
    client.force_login(dreets)

    assert client.get("/planification/").status_code == 200
    assert client.get(url(carte)).status_code == 403
    assert client.post(url(carte), {nom(carte["lhss"], carte["nord"]): "10"}).status_code == 403


def test_l_historique_d_une_autre_region_est_introuvable(client, planificateur, carte, region_idf):
    paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
    cible = CibleFactory(type=carte["lhss"], territoire=paris, horizon=carte["horizon"])
    client.force_login(planificateur)

    assert client.get(f"/planification/cibles/{cible.pk}/historique/").status_code == 404
    assert client.get(f"/planification/cibles/historique/{carte['horizon'].slug}/LHSS/{paris.pk}/").status_code == 404


def test_les_identifiants_ne_sont_pas_formates_a_la_francaise_dans_la_grille(client, planificateur, carte):
    # USE_THOUSAND_SEPARATOR : sans |unlocalize, l'identifiant 12345 deviendrait « 12 345 » dans les choix du collage.
    grand = TerritoireFactory(pk=12345, code="12345")
    client.force_login(planificateur)

    contenu = client.get(url(carte)).content.decode()

    assert f'<option value="{grand.pk}"' in contenu
    assert f'name="c-{carte["lhss"].pk}-{grand.pk}"' in contenu


class TestRequetes:
    def test_la_grille_s_affiche_en_un_nombre_constant_de_requetes(
        self, client, planificateur, carte, django_assert_num_queries
    ):
        client.force_login(planificateur)
        CibleFactory(type=carte["lhss"], territoire=carte["nord"], horizon=carte["horizon"])
        # session, utilisateur, périmètre demandé, horizon, région de l'utilisateur (peut_modifier_cible),
        # territoires, types, cases supprimées, cibles ; puis les choix des filtres (périmètres et horizons), que le
        # gabarit de groupe de champs du DSFR lit deux fois chacun
        with django_assert_num_queries(13):
            client.get(url(carte))
        for numero in range(20):
            territoire = TerritoireFactory(code=f"T{numero}")
            CibleFactory(type=carte["lam"], territoire=territoire, horizon=carte["horizon"]).delete()
            CibleFactory(type=carte["lhss"], territoire=territoire, horizon=carte["horizon"])
        with django_assert_num_queries(13):
            assert len(client.get(url(carte)).context["grille"].lignes) == 24

    @pytest.mark.parametrize("nombre_de_cases", [1, 3])
    def test_l_enregistrement_coute_deux_ecritures_par_case_modifiee(
        self, client, planificateur, carte, django_assert_num_queries, nombre_de_cases
    ):
        for numero in range(20):  # la taille de la grille ne compte pas : seules les cases modifiées
            TerritoireFactory(code=f"T{numero}")
        client.force_login(planificateur)
        lue = client.get(url(carte))
        territoires = [carte["region"], carte["nord"], carte["pdc"]][:nombre_de_cases]
        donnees = formulaire(lue, **{nom(carte["lhss"], t): "5" for t in territoires})
        ContentType.objects.get_for_model(Cible)  # en cache dès la première écriture du processus
        # la lecture de la grille (9 requêtes, comme l'affichage), le point de sauvegarde, la lecture verrouillée des
        # cases, puis par case modifiée son INSERT et sa ligne de journal (django-auditlog écrit ligne à ligne), la fin
        # du point de sauvegarde. (Le chaînage du journal, après la validation, ajoute cinq requêtes, une fois.)
        with django_assert_num_queries(9 + 2 + 2 * nombre_de_cases + 1):
            assert client.post(url(carte), donnees).status_code == 302
        assert Cible.objects.count() == nombre_de_cases
