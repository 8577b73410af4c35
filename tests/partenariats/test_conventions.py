"""Les conventions : qui les voit, qui les écrit, le PDF contrôlé, le verrou optimiste, les requêtes bornées."""

import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partenariats.models import Convention, StatutConvention
from tests.appels import pdf_hostiles
from tests.appels.factories import pdf
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory
from tests.partenariats.factories import ConventionFactory

pytestmark = pytest.mark.django_db


def saisie(convention=None, **remplacements) -> dict:
    """Le formulaire d'une convention, rempli comme la convention donnée (ou une PASS actée du Nord)."""
    donnees = {
        "organisme": convention.organisme_id if convention else "",
        "type_dispositif": convention.type_dispositif_id if convention else TypeDispositifFactory(code="PASS").pk,
        "dispositif": "",
        "territoire": convention.territoire_id if convention else "",
        "partenaire_nom": "SIAO fictif du Nord",
        "partenaire_categorie": "siao",
        "objet": "Organisation des entrées et sorties.",
        "statut": "actee",
        "signee_le": "2025-03-14",
        "version": convention.version if convention else "",
    }
    return {**donnees, **remplacements}


def fichier(contenu: bytes, nom="convention.pdf"):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def test_l_operateur_ne_voit_que_les_conventions_de_ses_organismes(client, operateur, convention, organisme_autre):
    autre = ConventionFactory(
        organisme=organisme_autre, territoire=convention.territoire, partenaire_nom="Partenaire caché"
    )
    client.force_login(operateur)

    page = client.get("/partenariats/conventions/").content.decode()

    assert "CHRS fictif de Lille" in page and "Partenaire caché" not in page
    assert client.get(f"/partenariats/conventions/{convention.pk}/").status_code == 200
    assert client.get(f"/partenariats/conventions/{autre.pk}/").status_code == 404
    assert client.get(f"/api/v1/conventions/{autre.pk}/").status_code == 404


def test_l_ars_d_une_autre_region_ne_voit_ni_ne_modifie_la_convention(client, convention, region_idf):
    ars_idf = UtilisateurFactory(planificateur=True, region=region_idf, email="ars-idf@exemple.test")
    client.force_login(ars_idf)

    assert "CHRS fictif de Lille" not in client.get("/partenariats/conventions/").content.decode()
    assert client.get(f"/partenariats/conventions/{convention.pk}/").status_code == 404
    assert client.get(f"/partenariats/conventions/{convention.pk}/modifier/").status_code == 404


def test_l_ars_de_la_region_voit_et_gere_la_dreets_voit_seulement(client, planificateur, dreets, convention):
    client.force_login(dreets)
    assert client.get(f"/partenariats/conventions/{convention.pk}/").status_code == 200
    assert client.get(f"/partenariats/conventions/{convention.pk}/modifier/").status_code == 403
    client.force_login(planificateur)
    assert client.get(f"/partenariats/conventions/{convention.pk}/modifier/").status_code == 200


def test_l_operateur_declare_une_convention_et_son_pdf_controle(client, operateur, organisme, nord):
    client.force_login(operateur)

    reponse = client.post(
        "/partenariats/conventions/nouvelle/",
        {**saisie(organisme=organisme.pk, territoire=nord.pk), "fichier": fichier(pdf())},
    )

    convention = Convention.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == f"/partenariats/conventions/{convention.pk}/"
    assert (
        convention.pdf.name.startswith("partenariats/conventions/convention-") and len(convention.pdf_empreinte) == 64
    )
    telechargement = client.get(f"/partenariats/conventions/{convention.pk}/pdf/")
    assert telechargement["Content-Type"] == "application/pdf"


def test_un_pdf_remplace_est_efface_apres_l_enregistrement(
    client, operateur, organisme, nord, django_capture_on_commit_callbacks
):
    client.force_login(operateur)
    client.post(
        "/partenariats/conventions/nouvelle/",
        {**saisie(organisme=organisme.pk, territoire=nord.pk), "fichier": fichier(pdf())},
    )
    convention = Convention.objects.get()
    ancien = pathlib.Path(convention.pdf.path)

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            f"/partenariats/conventions/{convention.pk}/modifier/", {**saisie(convention), "fichier": fichier(pdf(2))}
        )

    convention.refresh_from_db()
    assert reponse.status_code == 302 and convention.version == 2
    assert pathlib.Path(convention.pdf.path).exists() and not ancien.exists()


@pytest.mark.parametrize("piege", [pdf_hostiles.open_action_javascript, pdf_hostiles.polyglotte])
def test_un_pdf_piege_est_refuse_et_rien_n_est_enregistre(client, operateur, organisme, nord, piege):
    client.force_login(operateur)

    reponse = client.post(
        "/partenariats/conventions/nouvelle/",
        {**saisie(organisme=organisme.pk, territoire=nord.pk), "fichier": fichier(piege())},
    )

    assert reponse.status_code == 400 and not Convention.objects.exists()
    assert "est enregistré" in reponse.content.decode()
    assert reponse.context["form"].errors  # le refus est dit, en français


def test_une_convention_actee_sans_date_et_une_prevue_datee_sont_refusees(client, operateur, organisme, nord):
    client.force_login(operateur)
    base = saisie(organisme=organisme.pk, territoire=nord.pk)

    sans_date = client.post("/partenariats/conventions/nouvelle/", {**base, "signee_le": ""})
    prevue_datee = client.post("/partenariats/conventions/nouvelle/", {**base, "statut": "prevue"})

    assert sans_date.status_code == prevue_datee.status_code == 400
    assert "indiquez sa date de signature" in sans_date.content.decode()
    assert "pas encore signée" in prevue_datee.content.decode()
    assert not Convention.objects.exists()


def test_l_operateur_ne_range_pas_une_convention_sous_un_organisme_qui_n_est_pas_le_sien(
    client, operateur, organisme_autre, nord
):
    client.force_login(operateur)

    reponse = client.post(
        "/partenariats/conventions/nouvelle/", saisie(organisme=organisme_autre.pk, territoire=nord.pk)
    )

    assert reponse.status_code == 400 and "organisme" in reponse.context["form"].errors
    assert not Convention.objects.exists()


def test_deux_modifications_concurrentes_le_perdant_recoit_409_et_garde_sa_saisie(
    client, operateur, planificateur, convention
):
    client.force_login(planificateur)
    lue = saisie(convention, partenaire_nom="Nom du planificateur")
    assert client.post(f"/partenariats/conventions/{convention.pk}/modifier/", lue).status_code == 302
    client.force_login(operateur)

    reponse = client.post(
        f"/partenariats/conventions/{convention.pk}/modifier/", saisie(convention, partenaire_nom="Nom de l'opérateur")
    )

    assert reponse.status_code == 409
    page = reponse.content.decode()
    assert "Modification concurrente" in page and "Nom de l&#x27;opérateur" in page  # sa saisie reste à l'écran
    assert reponse.context["form"]["version"].value() == 2  # la version actuelle : renvoyer enregistre
    convention.refresh_from_db()
    assert convention.partenaire_nom == "Nom du planificateur" and convention.version == 2


def test_la_liste_se_lit_en_un_nombre_constant_de_requetes(
    client, planificateur, convention, django_assert_num_queries
):
    client.force_login(planificateur)
    # session, utilisateur, compte (pagination), région de l'agent (en-tête), page de conventions avec leurs jointures
    with django_assert_num_queries(5):
        client.get("/partenariats/conventions/")
    ConventionFactory.create_batch(
        20, territoire=convention.territoire, statut=StatutConvention.PREVUE, signee_le=None
    )
    with django_assert_num_queries(5):
        reponse = client.get("/partenariats/conventions/")
    assert len(reponse.context["page_obj"]) == 21


def test_l_api_filtre_et_se_lit_en_un_nombre_constant_de_requetes(
    client, planificateur, convention, django_assert_num_queries
):
    client.force_login(planificateur)
    # session, utilisateur, compte, page de conventions jointes
    with django_assert_num_queries(4):
        assert client.get("/api/v1/conventions/").json()["count"] == 1
    ConventionFactory.create_batch(
        20, territoire=convention.territoire, statut=StatutConvention.PREVUE, signee_le=None
    )
    with django_assert_num_queries(4):
        assert client.get("/api/v1/conventions/?statut=prevue").json()["count"] == 20
    assert client.get("/api/v1/conventions/?statut=signee").status_code == 400


def test_un_agent_choisit_parmi_les_organismes_de_sa_region_seulement(client, planificateur, nord, paris, convention):
    """La liste des organismes du formulaire est bornée par la région (pas tous les organismes de FINESS) : ceux
    qui y ont un dispositif ou déjà une convention ; un organisme d'une autre région est refusé en nommant le champ."""
    du_nord = DispositifFactory(territoire=nord).organisme
    de_paris = DispositifFactory(territoire=paris).organisme
    client.force_login(planificateur)

    proposes = set(client.get("/partenariats/conventions/nouvelle/").context["form"].fields["organisme"].queryset)
    refus = client.post("/partenariats/conventions/nouvelle/", saisie(organisme=de_paris.pk, territoire=nord.pk))

    assert proposes == {du_nord, convention.organisme}
    assert refus.status_code == 400 and "organisme" in refus.context["form"].errors
