"""Les cibles nationales (posées sur le territoire FR) dans l'API, et les horizons du niveau national (issue 14)."""

import pytest

from planification.demo import creer_planification_demo, creer_planification_nationale_demo
from planification.models import Cible, Horizon
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.dispositifs.factories import TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import FranceFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pays(region_hdf):
    TypeDispositifFactory(code="LHSS")
    HorizonFactory(slug="segur-2020-2022", libelle="Ségur")
    return FranceFactory()


def ecrire(client, pays, valeur, **autres):
    corps = {"type": "LHSS", "territoire": pays.pk, "horizon": "segur-2020-2022", "valeur": valeur, **autres}
    return client.post("/api/v1/cibles/", corps, content_type="application/json")


def test_le_national_ecrit_une_cible_nationale_et_la_relit_dans_le_tableau_national(client, national, pays):
    client.force_login(national)

    creee = ecrire(client, pays, 2800, motif="Ségur, source 002")
    listee = client.get("/api/v1/cibles/?territoire_code=FR&type=LHSS").json()
    tableau = client.get("/api/v1/planification/?region=FR&horizon=segur-2020-2022&type=LHSS").json()

    assert creee.status_code == 201
    assert [(c["territoire"], c["valeur"], c["version"]) for c in listee["results"]] == [(pays.pk, "2800.00", 1)]
    (ligne_pays,) = [ligne for ligne in tableau["lignes"] if ligne["niveau"] == "pays"]
    assert (ligne_pays["territoire"], ligne_pays["cible"]) == ("FR", 2800)
    assert {ligne["niveau"] for ligne in tableau["lignes"]} == {"region", "pays"}


def test_la_meme_regle_de_version_pour_une_cible_nationale(client, national, pays):
    client.force_login(national)
    cible = CibleFactory(type__code="LHSS", territoire=pays, horizon=Horizon.objects.get(slug="segur-2020-2022"))
    url = f"/api/v1/cibles/{cible.pk}/"

    modifiee = client.patch(url, {"valeur": 2900, "version": 1}, content_type="application/json")
    perimee = client.patch(url, {"valeur": 3000, "version": 1}, content_type="application/json")
    creee_deux_fois = ecrire(client, pays, 10)

    assert modifiee.status_code == 200 and modifiee.json()["version"] == 2
    assert perimee.status_code == 409
    assert "elle vaut maintenant 2\xa0900" in perimee.json()["detail"]
    assert creee_deux_fois.status_code == 409  # version 0 lue, la case existe déjà
    assert Cible.objects.get(pk=cible.pk).valeur == 2900


def test_un_planificateur_regional_ne_peut_pas_ecrire_une_cible_nationale(client, planificateur, pays):
    client.force_login(planificateur)
    cible = CibleFactory(type__code="LHSS", territoire=pays, horizon=Horizon.objects.get(slug="segur-2020-2022"))

    creation = ecrire(client, pays, 1)
    modification = client.patch(
        f"/api/v1/cibles/{cible.pk}/", {"valeur": 1, "version": 1}, content_type="application/json"
    )
    lecture = client.get("/api/v1/cibles/?territoire_code=FR")

    assert (creation.status_code, modification.status_code) == (403, 403)
    assert "pas les cibles nationales" in creation.json()["detail"]
    assert lecture.json()["count"] == 1  # il lit la cible nationale, cadre commun des régions
    assert Cible.objects.get(pk=cible.pk).valeur == 50


def test_le_national_ne_peut_pas_ecrire_une_cible_regionale(client, national, pays, region_hdf):
    client.force_login(national)

    reponse = ecrire(client, region_hdf, 30)

    assert reponse.status_code == 403
    assert reponse.json()["detail"].startswith("Le niveau national ne modifie que les cibles nationales")
    assert not Cible.objects.exists()


def test_le_filtre_territoire_code_vaut_pour_tout_territoire(client, national, pays, region_hdf):
    gers = TerritoireFactory(code="32", nom="Gers", parent=TerritoireFactory(niveau=Niveau.REGION, code="76"))
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    for territoire in (pays, region_hdf, gers, nord):
        CibleFactory(type__code="LHSS", territoire=territoire)
    client.force_login(national)

    def noms(requete):
        return sorted(Territoire.objects.get(pk=c["territoire"]).nom for c in client.get(requete).json()["results"])

    assert noms("/api/v1/cibles/?territoire_code=59") == ["Nord"]
    assert noms("/api/v1/cibles/?territoire_code=32") == ["Gers", "Hauts-de-France"]
    assert noms("/api/v1/cibles/?territoire_code=32&territoire_niveau=region") == ["Hauts-de-France"]
    assert noms("/api/v1/cibles/?territoire_code=FR") == ["France"]
    assert client.get("/api/v1/cibles/?territoire_niveau=canton").status_code == 400


def test_l_historique_d_une_cible_nationale_s_ouvre_pour_qui_lit_la_planification(client, planificateur, pays):
    cible = CibleFactory(type__code="LHSS", territoire=pays)
    client.force_login(planificateur)

    assert client.get(f"/planification/cibles/{cible.pk}/historique/").status_code == 200


def test_l_api_et_l_historique_lisent_les_memes_cibles(client, planificateur, pays, region_hdf, region_idf):
    """Une seule règle (config.policy.territoires_des_cibles_lisibles) : ce que l'API liste, l'historique l'ouvre, et
    une cible d'une autre région n'est ni listée ni ouverte."""
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf, niveau=Niveau.DEPARTEMENT)
    cibles = {t.code: CibleFactory(type__code="LHSS", territoire=t) for t in (pays, region_hdf, nord, region_idf)}
    client.force_login(planificateur)

    listees = {c["id"] for c in client.get("/api/v1/cibles/?page_size=500").json()["results"]}
    ouvertes = {
        cible.pk
        for cible in cibles.values()
        if client.get(f"/planification/cibles/{cible.pk}/historique/").status_code == 200
    }

    assert listees == ouvertes == {cibles[code].pk for code in ("FR", "32", "59")}


class TestHorizons:
    def test_le_national_cree_un_horizon_decrit(self, client, national):
        client.force_login(national)

        reponse = client.post(
            "/planification/horizons/nouveau/",
            {
                "libelle": "Ségur 2020-2022",
                "slug": "segur-2020-2022",
                "debut": "2020-01-01",
                "fin": "2022-12-31",
                "description": "2 800 places de LHSS (source 002).",
            },
        )

        assert reponse.status_code == 302
        horizon = Horizon.objects.get(slug="segur-2020-2022")
        assert (horizon.description, horizon.version) == ("2 800 places de LHSS (source 002).", 1)

    def test_une_fin_avant_le_debut_est_refusee_en_nommant_le_champ(self, client, national):
        client.force_login(national)

        reponse = client.post(
            "/planification/horizons/nouveau/",
            {"libelle": "X", "slug": "x", "debut": "2022-01-01", "fin": "2020-01-01"},
        )

        assert reponse.status_code == 400
        assert reponse.context["form"].errors["fin"] == ["La fin doit suivre le début."]
        assert not Horizon.objects.filter(slug="x").exists()

    def test_une_modification_concurrente_ne_s_ecrase_pas_et_garde_la_saisie(self, client, national):
        horizon = HorizonFactory()
        client.force_login(national)
        url = f"/planification/horizons/{horizon.slug}/modifier/"
        saisie = {
            "libelle": "Cibles 2019-2023",
            "slug": horizon.slug,
            "debut": "2019-01-01",
            "fin": "2023-12-31",
            "description": "Ma description",
            "version": 1,
        }
        Horizon.objects.filter(pk=horizon.pk).update(description="L'autre", version=2)

        conflit = client.post(url, saisie)
        reprise = client.post(url, {**saisie, "version": conflit.context["form"]["version"].value()})

        assert conflit.status_code == 409
        assert conflit.context["form"]["description"].value() == "Ma description"
        assert reprise.status_code == 302
        assert Horizon.objects.get(pk=horizon.pk).description == "Ma description"


def test_la_demo_du_segur(settings):
    importer_territoires()
    creer_planification_demo()

    premiere = creer_planification_nationale_demo()
    seconde = creer_planification_nationale_demo()  # rejouable

    assert premiere == seconde == {"regions": 18, "dispositifs": 33}  # 18 × 2 types, sauf 3 capacités sourcées
    segur = Horizon.objects.get(slug="segur-2020-2022")
    assert "1 450 nouveaux lits" in segur.description and "source 002" in segur.description
    nationale = Cible.objects.get(horizon=segur, territoire__code="FR")
    assert (nationale.type.code, nationale.valeur, nationale.fictif) == ("LHSS", 2800, False)
    regionales = Cible.objects.filter(horizon=segur, territoire__niveau=Niveau.REGION)
    assert regionales.count() == 36 and all(c.fictif for c in regionales)
