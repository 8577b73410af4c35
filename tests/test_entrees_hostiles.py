"""Des valeurs hostiles à chaque paramètre de chaque URL, pour chaque rôle : jamais de 5xx.

La carte des adresses est celle de tests/test_acces.py (mêmes URL, mêmes exemples, mêmes données). Pour chaque
URL que le rôle peut ouvrir, le test lit dans la page rendue les champs de ses formulaires (envoyés par la
méthode du formulaire) et les paramètres de ses liens vers elle-même (GET), dans la vue de l'API ses filtres
(GET) et les champs de son sérialiseur (POST), puis envoie chaque valeur hostile à chaque paramètre, un à la
fois ; l'API reçoit en plus des corps JSON hostiles, dont un objet de tous ses champs. Chaque requête
s'exécute dans un point de sauvegarde annulé ensuite : une requête qui réussirait (suppression dans
l'administration…) ne prive pas les suivantes de leurs données.

Sur PostgreSQL, le même test vérifie ce que SQLite laisse passer : caractère nul, entier hors de bigint,
texte plus long que sa colonne.

Chaque rôle ouvre chaque page qu'il peut ouvrir, mais les dix valeurs sur un paramètre d'une page ne sont
rejouées que par un rôle, son titulaire (les rôles admis y tournent d'une URL à l'autre) : les autres n'y envoient
qu'un échantillon. Un paramètre que le titulaire ne voit pas sur la page, une page qu'il n'ouvre pas, ou des
champs qu'il ne peut pas envoyer (POST refusé) reçoivent les dix valeurs du rôle qui les voit. Chaque (URL,
paramètre, valeur) est ainsi essayé au moins une fois par un rôle qui ouvre la page (et qui peut l'envoyer).

Deux économies, là où d'autres essais passeraient par le même code : un rôle dont la méthode est refusée sur une
URL (403, 405, page de connexion, pour une requête vide) n'atteint aucun champ ; il n'y envoie que l'échantillon, à
tous les champs à la fois, pour éprouver le refus lui-même. Et des champs dont les noms ne diffèrent que par des
nombres (les cases « c-<type>-<territoire> » de la grille des cibles, les lignes d'un formset) sont lus par la même
boucle : le premier de chaque famille reçoit les valeurs pour toute la famille.
"""

import datetime
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from comptes.models import Role
from config.policy import regle_de_la_vue
from tests.test_acces import (  # noqa: F401 — donnees_exemple est une fixture
    INTERDITES_A_TOUS,
    PARAMETRES_EXEMPLE,
    ROLES_ATTENDUS,
    chemin_exemple,
    donnees_exemple,
    est_refus,
    toutes_les_urls,
)

VALEURS_HOSTILES = (
    "1" * 40,  # au-delà de bigint
    "-1",
    "abc",
    "1.5",
    "²",  # isdigit() le dit chiffre, int() le refuse
    "1e30",
    "9999-12",
    "0001-01",
    "a\x00b",  # refusé par PostgreSQL
    "x" * 3000,  # plus long que toute colonne
)

# Corps JSON qu'un client de l'API peut envoyer : ni objet, ni lisible, ou trop profond pour le parseur.
CORPS_JSON_HOSTILES = ("null", '"texte"', "1e999999", "[" * 100_000, '{"a":' * 100_000, "{", "[]", "\x00")

# Ce qu'envoie un rôle qui n'est pas le titulaire d'une page : un entier au-delà de bigint, un texte là où un
# nombre est attendu, le caractère nul ; et deux corps JSON, illisible et trop profond.
ECHANTILLON = ("1" * 40, "abc", "a\x00b")
ECHANTILLON_JSON = ("{", "[" * 100_000)
ORDRE_DES_ROLES = [None, *Role]

# Sans paramètre (la déconnexion vide la session du test) ou sans effet de paramètre (schéma, documentation).
SANS_ESSAI = {"comptes:deconnexion", "admin:logout", "api-schema", "api-docs"}


class ChampsEtLiens(HTMLParser):
    """Les paramètres que les pages envoient, par adresse de destination : champs de chaque formulaire (vers son
    action, par sa méthode, GET par défaut comme le navigateur) et paramètres des liens (GET). Un formulaire de
    la lettre qui poste vers /lettre/brouillon/ donne ainsi ses champs à cette adresse, qui ne s'affiche pas."""

    def __init__(self):
        super().__init__()
        self.chemin = ""
        self.formulaire = None  # (adresse, méthode) du formulaire ouvert
        self.noms = defaultdict(lambda: {"get": set(), "post": set()})

    def lire(self, chemin, response):
        if "html" in response.get("Content-Type", ""):
            self.chemin, self.formulaire = chemin, None
            self.feed(response.content.decode(errors="replace"))

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "form":
            adresse = urlsplit(attributs.get("action") or "").path or self.chemin
            self.formulaire = (adresse, (attributs.get("method") or "get").lower())
        elif tag in ("input", "select", "textarea", "button") and attributs.get("name"):
            adresse, methode = self.formulaire or (self.chemin, None)
            for cle in [methode] if methode in ("get", "post") else ("get", "post"):
                self.noms[adresse][cle].add(attributs["name"])
        elif tag == "a" and (href := attributs.get("href")):
            adresse = urlsplit(href)
            cles = {cle for cle, _ in parse_qsl(adresse.query, keep_blank_values=True)}
            self.noms[adresse.path or self.chemin]["get"].update(cles)

    def handle_endtag(self, tag):
        if tag == "form":
            self.formulaire = None


def parametres_de_la_vue(vue) -> dict[str, set[str]]:
    """Les filtres (GET) et les champs du sérialiseur (POST) que déclare une vue de l'API (vue.cls pour DRF)."""
    classe = getattr(vue, "cls", None)
    if classe is None or not hasattr(classe, "filterset_class"):
        return {"get": set(), "post": set()}
    filtres = getattr(classe, "filterset_class", None)
    serialiseur = getattr(classe, "serializer_class", None)
    return {
        "get": {"page", "format", *(filtres.base_filters if filtres else ())},
        "post": set(serialiseur().fields) if serialiseur else set(),
    }


class _Annuler(Exception):
    pass


def lue(response):
    """La réponse, son flux lu jusqu'au bout (un fichier téléchargé) : le client de test ferme alors le fichier,
    qui resterait sinon ouvert jusqu'au ramasse-miettes (ResourceWarning, une erreur dans cette suite)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def reponse_annulee(client, methode, chemin, **options):
    """La réponse d'une requête jouée dans un point de sauvegarde annulé ; l'exception de la vue remonte."""
    try:
        with transaction.atomic():
            response = lue(getattr(client, methode)(chemin, **options))
            raise _Annuler
    except _Annuler:
        return response


def essayer(client, methode, chemin, **options):
    """Le 5xx (ou l'exception) d'une requête jouée dans un point de sauvegarde annulé, None sinon."""
    try:
        response = reponse_annulee(client, methode, chemin, **options)
    except Exception as exc:  # le client de test relance l'exception de la vue : c'est un 500
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return f"{response.status_code}" if response.status_code >= 500 else None


def un_par_famille(noms: set[str]) -> list[str]:
    """Le premier nom (dans l'ordre) de chaque famille de noms qui ne diffèrent que par leurs nombres."""
    familles = {}
    for nom in sorted(noms):
        familles.setdefault(re.sub(r"\d+", "#", nom), nom)
    return sorted(familles.values())


def requetes_hostiles(chemin, noms: dict[str, set[str]], couverts: dict[str, set[str]], refusees: set[str]):
    """(méthode, options, description) de chaque essai sur cette URL : chaque paramètre seul (un par famille),
    sauf dans l'administration de Django (des formulaires de vingt champs, validés d'un bloc) où chaque valeur va à
    tous les champs à la fois. Un paramètre que le titulaire de la page essaie déjà (`couverts`) ne reçoit que
    l'échantillon ; une méthode refusée au rôle (`refusees`), l'échantillon sur tous ses champs à la fois."""
    for methode, noms_de_la_methode in noms.items():
        tries = un_par_famille(noms_de_la_methode)
        d_un_bloc = chemin.startswith("/admin/") or methode in refusees
        groupes = ([tries] if tries else []) if d_un_bloc else [[nom] for nom in tries]
        for groupe in groupes:
            deja = set(groupe) <= couverts[methode] or methode in refusees
            for valeur in ECHANTILLON if deja else VALEURS_HOSTILES:
                yield methode, {"data": dict.fromkeys(groupe, valeur)}, f"{'&'.join(groupe)[:40]}={valeur[:12]!r}"
    if chemin.startswith("/api/"):
        for methode in ("post", "put", "patch"):
            for corps in ECHANTILLON_JSON if couverts["post"] or methode in refusees else CORPS_JSON_HOSTILES:
                yield methode, {"data": corps, "content_type": "application/json"}, f"JSON {corps[:12]!r}"
        deja = noms["post"] <= couverts["post"] or "post" in refusees
        for valeur in ECHANTILLON if deja else VALEURS_HOSTILES:
            corps = dict.fromkeys(noms["post"], valeur)
            yield "post", {"data": corps, "content_type": "application/json"}, f"JSON {{…: {valeur[:12]!r}}}"


def ecriture_refusee(reponse) -> bool:
    """Une écriture refusée avant toute lecture de champ : rôle non admis (403, page de connexion) ou méthode
    absente (405)."""
    return reponse.status_code == 405 or est_refus(reponse)


def methodes_refusees(client, chemin) -> set[str]:
    """Les méthodes d'écriture refusées au rôle sur une requête vide (PUT et PATCH : sur l'API seulement)."""
    refusees = set()
    for methode in ("post", "put", "patch") if chemin.startswith("/api/") else ("post",):
        try:
            if ecriture_refusee(reponse_annulee(client, methode, chemin)):
                refusees.add(methode)
        except Exception:  # un 500 sur une requête vide : les valeurs hostiles le montreront
            continue
    return refusees


def urls_du_role(role):
    """(motif, nom, vue, titulaire) de chaque URL que le rôle peut ouvrir ; le titulaire est l'un des rôles admis,
    à tour de rôle d'une URL à l'autre (dans l'ordre, stable, du résolveur) pour répartir le travail."""
    for rang, (regex, nom, espace, vue) in enumerate(toutes_les_urls()):
        if "(?P<format>" in regex or nom in SANS_ESSAI or nom in INTERDITES_A_TOUS:
            continue  # les suffixes .json du routeur DRF rejouent les mêmes vues
        admis = ROLES_ATTENDUS[regle_de_la_vue(vue, espace, nom)]
        if role in admis:
            candidats = [r for r in ORDRE_DES_ROLES if r in admis]
            yield regex, nom, vue, candidats[rang % len(candidats)]


class Titulaires:
    """Ce que le titulaire d'une page y essaie déjà : les paramètres qu'il lit sur cette page seule (son propre
    test en lit davantage, venus des formulaires d'autres pages : c'est une borne basse, donc sûre), rien s'il
    ne l'ouvre pas, et pas de POST s'il n'a pas le droit d'en envoyer."""

    def __init__(self, casting):
        self.casting, self.clients = casting, {}

    def client(self, role):
        if role not in self.clients:
            self.clients[role] = Client()
            if self.casting[role]:
                self.clients[role].force_login(self.casting[role])
        return self.clients[role]

    def couverts(self, titulaire, chemin, suffixe, vue) -> dict[str, set[str]]:
        client, lecteur = self.client(titulaire), ChampsEtLiens()
        page = lue(client.get(chemin + suffixe))
        if est_refus(page):
            return {"get": set(), "post": set()}
        lecteur.lire(chemin, page)
        de_la_vue = parametres_de_la_vue(vue)
        couverts = {methode: lecteur.noms[chemin][methode] | de_la_vue[methode] for methode in ("get", "post")}
        try:
            if ecriture_refusee(reponse_annulee(client, "post", chemin)):
                couverts["post"] = set()
        except Exception:  # un POST vide en 500 : le rôle courant le verra aussi, avec ses dix valeurs
            couverts["post"] = set()
        return couverts


# Un filtre de date de l'administration qui lit « 111111111111 » comme une date sans fuseau : un avertissement
# (pas une erreur hors des tests, où filterwarnings=error le changerait en exception).
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
@pytest.mark.parametrize("role", ORDRE_DES_ROLES, ids=lambda r: r or "anonyme")
def test_aucune_valeur_hostile_ne_donne_de_5xx(client, casting, donnees_exemple, role):  # noqa: F811
    if casting[role]:
        client.force_login(casting[role])
    # 1. Chaque page que le rôle ouvre, et les paramètres qu'elle envoie (à elle-même ou à une autre adresse).
    lecteur, ouvertes = ChampsEtLiens(), []
    for regex, nom, vue, titulaire in urls_du_role(role):
        chemin = chemin_exemple(regex, nom)
        page = lue(client.get(chemin + PARAMETRES_EXEMPLE.get(nom, "")))
        assert page.status_code < 500, f"{chemin} : {page.status_code} sans paramètre"
        if not est_refus(page):
            lecteur.lire(chemin, page)
            ouvertes.append((chemin, nom, vue, titulaire))
    # 2. Chaque valeur hostile à chacun de ces paramètres (l'échantillon, sur ce que le titulaire essaie déjà).
    echecs, essais, titulaires = [], 0, Titulaires(casting)
    for chemin, nom, vue, titulaire in ouvertes:
        de_la_vue = parametres_de_la_vue(vue)
        noms = {
            methode: lecteur.noms[chemin][methode] - {"csrfmiddlewaretoken"} | de_la_vue[methode]
            for methode in de_la_vue
        }
        couverts = (
            {"get": set(), "post": set()}
            if titulaire == role
            else titulaires.couverts(titulaire, chemin, PARAMETRES_EXEMPLE.get(nom, ""), vue)
        )
        refusees = methodes_refusees(client, chemin)
        for methode, options, description in requetes_hostiles(chemin, noms, couverts, refusees):
            essais += 1
            if probleme := essayer(client, methode, chemin, **options):
                echecs.append(f"{methode.upper()} {chemin} {description} → {probleme}")
    assert essais > 0
    assert echecs == [], f"{len(echecs)} requêtes sur {essais} en 5xx :\n" + "\n".join(echecs)


# Les exemples de l'issue, un par famille, avec le message attendu -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "corps, message",
    [
        ("null", "Le corps de la requête doit être un objet JSON ({…})."),
        ('"texte"', "Le corps de la requête doit être un objet JSON ({…})."),
        ("[1, 2]", "Le corps de la requête doit être un objet JSON ({…})."),
        ("1e999999", "JSON invalide : le nombre 1e999999 est hors de portée."),
        ('{"valeur": -Infinity}', "JSON invalide : -Infinity n'est pas un nombre."),
        ("[" * 100_000, "JSON invalide : plus de 32 niveaux d'imbrication."),
        ('{"a": ' * 33 + "1" + "}" * 33, "JSON invalide : plus de 32 niveaux d'imbrication."),
    ],
)
def test_un_corps_json_hostile_recoit_400_en_francais(planificateur, corps, message):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(planificateur)

    reponse = api.post("/api/v1/cibles/", corps, content_type="application/json")

    assert (reponse.status_code, reponse.json()) == (400, {"detail": message})


def test_la_profondeur_ignore_les_crochets_des_chaines():
    from commun.entrees import profondeur

    assert profondeur('{"motif": "[[[[{{{{\\"]]]"}') == 1
    assert profondeur('{"a": [[1], {"b": []}]}') == 4


@pytest.mark.django_db
def test_un_choix_multiple_illisible_ou_hors_bigint_ne_trouve_rien():
    from territoires.models import Territoire
    from tests.territoires.factories import RegionFactory

    region = RegionFactory()

    assert list(Territoire.objects.filter(pk__in=["1" * 40, "abc", "1.5", region.pk])) == [region]
    assert not Territoire.objects.filter(pk__in=["1" * 40, "abc"]).exists()


def test_un_mois_hors_du_calendrier_est_refuse():
    from commun.mois import lire_mois
    from indicateurs.forms import ChampMois

    assert [lire_mois(t) for t in ("9999-12", "0001-01", "2026-10")] == [None, None, datetime.date(2026, 10, 1)]
    with pytest.raises(ValidationError, match="Mois hors du calendrier : entre 1900-01 et 2999-12."):
        ChampMois().clean("9999-12")


@pytest.mark.django_db
@pytest.mark.parametrize("mois", ["9999-12", "0001-01"])
@pytest.mark.parametrize(
    "adresse, parametre",
    [
        ("/indicateurs/suivi/", "mois"),
        ("/indicateurs/suivi/export.csv", "mois"),
        ("/tableau-de-bord/", "debut"),
        ("/tableau-de-bord/", "fin"),
        ("/tableau-de-bord/public/", "fin"),
        ("/tableau-de-bord/export.csv", "fin"),
    ],
)
def test_le_suivi_et_les_tableaux_de_bord_refusent_un_mois_hors_du_calendrier(
    client, planificateur, adresse, parametre, mois
):
    client.force_login(planificateur)

    reponse = client.get(adresse, {parametre: mois})

    assert reponse.status_code in (200, 400)
    assert "Mois hors du calendrier" in reponse.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("illisible", ["abc", "1.5", "1" * 40, "²", "\x00"])
def test_un_identifiant_ou_une_valeur_illisible_dans_la_grille_des_cibles_recoit_400_en_francais(
    client, planificateur, illisible
):
    from dispositifs.models import TypeDispositif
    from tests.planification.factories import HorizonFactory

    adresse = f"/planification/cibles/?region=32&horizon={HorizonFactory().slug}"
    case = f"{TypeDispositif.objects.get(code='LHSS').pk}-{planificateur.region.pk}"
    client.force_login(planificateur)

    collage = client.post(adresse, {"action": "coller", "bloc": "1", "depart_territoire": illisible})
    valeur = client.post(adresse, {f"c-{case}": f"{illisible}!", f"l-{case}": illisible})

    assert collage.status_code == valeur.status_code == 400  # quarante chiffres aussi
    assert "Choisissez la case où commence le bloc" in collage.content.decode()
    assert "Rien n&#x27;a été enregistré." in valeur.content.decode()


def test_une_version_de_brouillon_illisible_ou_une_cle_trop_longue_est_refusee(client, operateur, region_hdf):
    from appels.models import Candidature, Depot
    from tests.appels.factories import AppelFactory

    appel = AppelFactory(reference="ami-hostile")
    client.force_login(operateur)
    brouillon = f"/appels/{appel.reference}/lettre/brouillon/"

    illisible = client.post(brouillon, {"version_brouillon": "abc"}, headers={"Accept": "application/json"})
    depot = client.post(
        f"/appels/{appel.reference}/lettre/deposer/", {"version_brouillon": "0", "cle_depot": "k" * 65}
    )

    assert illisible.status_code == 409
    assert illisible.json() == {"erreur": "Version du brouillon illisible : rechargez la page avant d'enregistrer."}
    assert depot.status_code == 400
    assert "Ce formulaire de dépôt est altéré : rechargez la page." in depot.content.decode()
    assert not Depot.objects.exists()
    assert not Candidature.objects.filter(brouillon__isnull=False).exclude(brouillon={}).exists()


@pytest.mark.django_db
def test_un_texte_avec_caractere_nul_ne_trouve_rien_au_lieu_d_echouer_sur_postgresql():
    from territoires.models import Territoire
    from tests.territoires.factories import RegionFactory

    region = RegionFactory()

    assert not Territoire.objects.filter(code=f"{region.code}\x00").exists()
    assert list(Territoire.objects.filter(code__in=["\x00", region.code])) == [region]
    assert not Territoire.objects.filter(nom__icontains="\x00").exists()
    assert Territoire.objects.exclude(code="\x00").count() == Territoire.objects.count() > 0
