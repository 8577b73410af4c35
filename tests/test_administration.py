"""Les listes de l'administration, la nôtre comme celles des applications de tiers : un paramètre de filtre
illisible renvoie à la liste sans filtre (?e=1), comme Django le fait pour tout paramètre invalide, jamais un 500."""

import pytest
from django.contrib import admin

from config.admin import ListeBornee

QUARANTE_CHIFFRES = "1" * 40


def test_chaque_modele_de_l_administration_a_une_liste_bornee_y_compris_ceux_des_tiers():
    applications = {modele._meta.app_label for modele in admin.site._registry}
    non_bornees = [type(m).__name__ for m in admin.site._registry.values() if not isinstance(m, ListeBornee)]

    assert {"auditlog", "axes", "otp_totp", "appels", "indicateurs"} <= applications
    assert non_bornees == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "adresse, parametres",
    [
        ("/admin/appels/appel/", {"cloture__year": QUARANTE_CHIFFRES}),
        ("/admin/appels/appel/", {"cloture__year": "2026", "cloture__month": "1", "cloture__day": QUARANTE_CHIFFRES}),
        ("/admin/indicateurs/declaration/", {"mois__year": QUARANTE_CHIFFRES}),
        ("/admin/auditlog/logentry/", {"timestamp__year": "111111111111"}),
        ("/admin/auditlog/logentry/", {"resource_type": "abc"}),
        ("/admin/axes/accesslog/", {"attempt_time__year": QUARANTE_CHIFFRES}),
    ],
)
def test_un_filtre_illisible_renvoie_a_la_liste_sans_filtre(client, administrateur, adresse, parametres):
    from tests.dispositifs.factories import OrganismeFactory

    OrganismeFactory()  # une entrée au journal : sans elle, le filtre par type de ressource ne s'affiche pas
    client.force_login(administrateur)

    reponse = client.get(adresse, parametres)

    assert (reponse.status_code, reponse["Location"]) == (302, f"{adresse}?e=1")


@pytest.mark.django_db
def test_un_identifiant_hors_de_sa_colonne_dans_un_filtre_de_tiers_ne_donne_pas_de_500(client, administrateur):
    """SQLite lève OverflowError (renvoi à la liste sans filtre) ; sur PostgreSQL, Django sait qu'un tel identifiant
    ne désigne rien : la liste est vide."""
    from tests.dispositifs.factories import OrganismeFactory

    OrganismeFactory()
    client.force_login(administrateur)

    reponse = client.get("/admin/auditlog/logentry/", {"resource_type": QUARANTE_CHIFFRES})

    if reponse.status_code == 200:
        assert list(reponse.context["cl"].result_list) == []
    else:
        assert (reponse.status_code, reponse["Location"]) == (302, "/admin/auditlog/logentry/?e=1")


@pytest.mark.django_db
def test_un_filtre_lisible_filtre_toujours(client, administrateur):
    from appels.models import Nature
    from tests.appels.factories import AppelFactory

    AppelFactory(titre="Appel à manifestation", nature=Nature.AMI)
    AppelFactory(titre="Appel à projets", nature=Nature.AAP)
    client.force_login(administrateur)

    reponse = client.get("/admin/appels/appel/", {"nature__exact": "aap"})

    assert reponse.status_code == 200
    assert [appel.titre for appel in reponse.context["cl"].result_list] == ["Appel à projets"]
