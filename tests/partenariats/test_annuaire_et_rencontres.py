"""L'annuaire des correspondants et les rencontres bilatérales : lus par les agents ARS et DREETS de la région et le
niveau national, écrits par les planificateurs ARS et la DREETS de la région."""

import pytest

from partenariats.models import Contact, RencontreBilaterale
from tests.comptes.factories import UtilisateurFactory
from tests.partenariats.factories import ContactFactory, RencontreFactory

pytestmark = pytest.mark.django_db


def contact(territoire, **remplacements):
    donnees = {
        "territoire": territoire.pk,
        "structure": "ddets",
        "service": "",
        "fonction": "Correspondant départemental",
        "courriel": "ddets-59@demo.example",
        "telephone": "",
        "version": "",
    }
    return {**donnees, **remplacements}


def rencontre(territoire, **remplacements):
    donnees = {
        "territoire": territoire.pk,
        "date": "2025-05-23",
        "niveau": "departemental",
        "services_presents": "ARS : délégation départementale ; DDETS(PP)",
        "decisions": "",
        "prochaines_etapes": "",
        "version": "",
    }
    return {**donnees, **remplacements}


def test_la_dreets_ajoute_un_contact_de_sa_region_et_l_annuaire_le_montre(client, dreets, nord):
    client.force_login(dreets)

    reponse = client.post("/partenariats/annuaire/nouveau/", contact(nord))

    assert reponse.status_code == 302 and Contact.objects.get().courriel == "ddets-59@demo.example"
    assert "ddets-59@demo.example" in client.get("/partenariats/annuaire/").content.decode()


def test_un_contact_hors_de_la_region_est_refuse_en_francais(client, dreets, paris):
    client.force_login(dreets)

    reponse = client.post("/partenariats/annuaire/nouveau/", contact(paris))

    assert reponse.status_code == 400 and not Contact.objects.exists()
    assert "territoire" in reponse.context["form"].errors


def test_une_structure_departementale_se_range_dans_un_departement(client, dreets, nord, region_hdf):
    client.force_login(dreets)

    ddets_region = client.post("/partenariats/annuaire/nouveau/", contact(region_hdf))
    dreets_departement = client.post("/partenariats/annuaire/nouveau/", contact(nord, structure="dreets"))

    assert ddets_region.status_code == dreets_departement.status_code == 400 and not Contact.objects.exists()
    assert "DDETS(PP) : choisissez un département." in ddets_region.content.decode()
    assert "DREETS : choisissez une région." in dreets_departement.content.decode()


def test_un_courriel_invalide_est_refuse_sur_son_champ(client, planificateur, nord):
    client.force_login(planificateur)

    reponse = client.post("/partenariats/annuaire/nouveau/", contact(nord, courriel="pas-un-courriel"))

    assert reponse.status_code == 400 and "courriel" in reponse.context["form"].errors


def test_le_national_lit_sans_ecrire_et_l_operateur_ni_l_un_ni_l_autre(client, national, operateur, nord):
    ContactFactory(territoire=nord, courriel="ars-dd59@demo.example")
    client.force_login(national)
    assert "ars-dd59@demo.example" in client.get("/partenariats/annuaire/").content.decode()
    assert client.get("/partenariats/annuaire/nouveau/").status_code == 403
    client.force_login(operateur)
    assert client.get("/partenariats/annuaire/").status_code == 403
    assert client.get("/partenariats/rencontres/").status_code == 403


def test_une_autre_region_ne_voit_pas_l_annuaire_ni_les_rencontres(client, nord, region_idf):
    ContactFactory(territoire=nord, courriel="ars-dd59@demo.example")
    autre = RencontreFactory(territoire=nord)
    client.force_login(UtilisateurFactory(dreets=True, region=region_idf, email="dreets-idf@exemple.test"))

    assert "ars-dd59@demo.example" not in client.get("/partenariats/annuaire/").content.decode()
    assert client.get(f"/partenariats/rencontres/{autre.pk}/").status_code == 404
    assert client.get(f"/partenariats/rencontres/{autre.pk}/modifier/").status_code == 404


def test_modifier_un_contact_deja_modifie_renvoie_409_avec_la_saisie(client, planificateur, dreets, nord):
    existant = ContactFactory(territoire=nord)
    client.force_login(planificateur)
    assert client.post(f"/partenariats/annuaire/{existant.pk}/modifier/", contact(nord, version=1)).status_code == 302
    client.force_login(dreets)

    reponse = client.post(
        f"/partenariats/annuaire/{existant.pk}/modifier/", contact(nord, version=1, fonction="Référent DREETS")
    )

    assert reponse.status_code == 409 and "Référent DREETS" in reponse.content.decode()
    existant.refresh_from_db()
    assert existant.fonction == "Correspondant départemental" and existant.version == 2


def test_le_planificateur_enregistre_une_rencontre_puis_la_retrouve(client, planificateur, instructeur, nord):
    client.force_login(planificateur)

    reponse = client.post("/partenariats/rencontres/nouvelle/", rencontre(nord, decisions="Cartographie partagée."))

    enregistree = RencontreBilaterale.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == f"/partenariats/rencontres/{enregistree.pk}/"
    client.force_login(instructeur)  # l'instructeur lit, sans bouton pour modifier
    fiche = client.get(f"/partenariats/rencontres/{enregistree.pk}/").content.decode()
    assert "Cartographie partagée." in fiche and "Modifier la rencontre" not in fiche


def test_une_rencontre_sans_date_ni_services_est_refusee(client, planificateur, nord):
    client.force_login(planificateur)

    reponse = client.post(
        "/partenariats/rencontres/nouvelle/", rencontre(nord, date="31/02/2025", services_presents="")
    )

    assert reponse.status_code == 400 and not RencontreBilaterale.objects.exists()
    assert {"date", "services_presents"} <= set(reponse.context["form"].errors)


@pytest.mark.parametrize(
    ("adresse", "fabrique"),
    [("/partenariats/annuaire/", ContactFactory), ("/partenariats/rencontres/", RencontreFactory)],
)
def test_les_listes_se_lisent_en_un_nombre_constant_de_requetes(
    client, dreets, nord, adresse, fabrique, django_assert_num_queries
):
    fabrique(territoire=nord)
    client.force_login(dreets)
    # session, utilisateur, régions visibles (filtre), compte (pagination), région de l'agent (en-tête), page de
    # lignes avec leur territoire
    with django_assert_num_queries(6):
        client.get(adresse)
    fabrique.create_batch(20, territoire=nord)
    with django_assert_num_queries(6):
        assert len(client.get(adresse).context["page_obj"]) == 21


def test_le_national_filtre_l_annuaire_par_region(client, national, nord, paris):
    ContactFactory(territoire=nord, courriel="ddets-59@demo.example")
    ContactFactory(territoire=paris, courriel="ddets-75@demo.example")
    client.force_login(national)

    tout = client.get("/partenariats/annuaire/").content.decode()
    hdf = client.get("/partenariats/annuaire/?region=32").content.decode()
    refus = client.get("/partenariats/annuaire/?region=zz")

    assert "ddets-59@demo.example" in tout and "ddets-75@demo.example" in tout
    assert "ddets-59@demo.example" in hdf and "ddets-75@demo.example" not in hdf
    assert refus.status_code == 400 and "Filtre refusé" in refus.content.decode()
