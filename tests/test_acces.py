"""Toutes les URL du projet contre tous les rôles et l'anonyme.

Le test parcourt le résolveur d'URL : une URL ajoutée plus tard est couverte d'office, et elle fait
échouer le test tant que sa vue ne déclare pas de règle dans le module config/policy.py.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, path, reverse

import config.urls
from comptes.models import Role
from config.policy import Regle, regle_de_la_vue

# Ce que chaque règle doit admettre, écrit ici indépendamment du module policy pour le vérifier.
ROLES_ATTENDUS = {
    Regle.PUBLIC: frozenset(Role) | {None},
    Regle.CONNECTE: frozenset(Role),
    Regle.CONSULTER_PLANIFICATION: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.PLANIFIER: frozenset({Role.PLANIFICATEUR, Role.NATIONAL, Role.ADMINISTRATEUR}),  # national : le pays seul
    Regle.GERER_APPELS: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    Regle.GERER_HORIZONS: frozenset({Role.NATIONAL, Role.ADMINISTRATEUR}),
    Regle.DEPOSER: frozenset({Role.OPERATEUR}),
    Regle.INSTRUIRE: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.ADMINISTRATEUR}),
    Regle.DECIDER: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),  # pas la DREETS
    Regle.GERER_OPERATEURS: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),
    Regle.DECLARER: frozenset({Role.OPERATEUR}),
    Regle.VALIDER_DECLARATIONS: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),
    Regle.CONSULTER_JOURNAL: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    Regle.CONSULTER_OFFRE: frozenset(Role),
    Regle.GERER_OFFRE: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    Regle.CONSULTER_FINANCEMENTS: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.PILOTER_PROGRAMME: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),  # pas le national
    Regle.CONSULTER_CONVENTIONS: frozenset(Role),
    Regle.ENREGISTRER_CONVENTIONS: frozenset({Role.OPERATEUR, Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    Regle.CONSULTER_PARTENARIATS: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.GERER_PARTENARIATS: frozenset({Role.PLANIFICATEUR, Role.DREETS, Role.ADMINISTRATEUR}),
    Regle.ADMINISTRATION: frozenset({Role.ADMINISTRATEUR}),
}

# Vues qui n'acceptent que POST : un GET autorisé y répond 405.
POST_SEULEMENT = {
    "comptes:deconnexion",
    "api-jeton",
    "admin:logout",
    "appels:candidatures:brouillon",
    "appels:candidatures:piece",
    "appels:candidatures:deposer",
    "appels:publier",
    "comptes:accepter_demande",
    "comptes:refuser_demande",
    "indicateurs:rapports:demander",
    "declaration-valider",
    "declaration-renvoyer",
    "dispositifs:finess:appliquer",
}


@pytest.fixture
def donnees_exemple(casting, settings, tmp_path):
    """Une ligne de chaque modèle qu'une URL de détail désigne, dans la région des agents du casting."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appels.models import Avis, Candidature, Decision, DemandeComplement, Depot, NatureDecision
    from comptes.models import DemandeInscription
    from indicateurs.models import StatutDeclaration
    from tests.appels.factories import AppelFactory
    from tests.dispositifs.factories import DispositifFactory
    from tests.financements.factories import CreditFactory, EnveloppeFactory
    from tests.indicateurs.factories import DeclarationFactory, RapportFactory
    from tests.planification.factories import CibleFactory

    settings.MEDIA_ROOT = tmp_path
    cahier = SimpleUploadedFile("cahier.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    appel = AppelFactory(reference="appel-fictif-exemple", co_instruction_dreets=True, cahier_des_charges=cahier)
    operateur = casting[Role.OPERATEUR]
    candidature = Candidature.objects.create(appel=appel, organisme=operateur.organismes.get())
    depot = Depot.objects.create(
        candidature=candidature,
        version=1,
        numero="AMI-2026-001-00001",
        depose_le=appel.ouverture,
        depose_par=operateur,
        contenu={"lettre": {"experience": "Exemple"}, "pieces": []},
        empreinte="0" * 64,
        cle_idempotence="exemple",
    )
    DemandeComplement.objects.create(
        candidature=candidature, demandee_par=casting[Role.INSTRUCTEUR], message="Exemple"
    )
    Avis.objects.create(candidature=candidature, evaluateur=casting[Role.INSTRUCTEUR])
    Decision.objects.create(
        candidature=candidature,
        nature=NatureDecision.NON_RETENUE,
        decide_par=casting[Role.PLANIFICATEUR],
        decide_le=appel.cloture,
    )
    DemandeInscription.objects.create(
        courriel="demandeur@exemple.test",
        prenom="Dominique",
        nom="Demandeur",
        siret="73282932000074",
        nom_organisme="Association Demandeuse (fictive)",
        region=casting[Role.PLANIFICATEUR].region,
    )
    # Un dispositif de l'opérateur du casting, dans la région des agents, avec une déclaration transmise.
    dispositif = DispositifFactory(organisme=operateur.organismes.get())
    DeclarationFactory(dispositif=dispositif, statut=StatutDeclaration.TRANSMISE)
    # Un crédit de ce dispositif et une enveloppe de la région des agents.
    CreditFactory(dispositif=dispositif)
    EnveloppeFactory(region=casting[Role.PLANIFICATEUR].region)
    # Un rapport public déjà généré de la région des agents : téléchargeable par tous, suivi par les agents.
    RapportFactory(territoire=casting[Role.PLANIFICATEUR].region, public=True)
    # Une action du programme de la région des agents, avec un jalon, et la revue annuelle de sa feuille de route.
    from tests.programme.factories import JalonFactory, RevueAnnuelleFactory

    jalon = JalonFactory(action__axe__feuille_de_route__region=casting[Role.PLANIFICATEUR].region)
    RevueAnnuelleFactory(feuille_de_route=jalon.action.feuille_de_route)

    # Une convention de l'organisme de l'opérateur (avec PDF), un contact et une rencontre dans la région des agents.
    from tests.partenariats.factories import ContactFactory, ConventionFactory, RencontreFactory

    pdf = SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    ConventionFactory(organisme=operateur.organismes.get(), territoire=dispositif.territoire, pdf=pdf)
    ContactFactory(territoire=dispositif.territoire)
    RencontreFactory(territoire=dispositif.territoire)
    return CibleFactory(), dispositif, depot


# Étapes de la connexion (code de double authentification, ProConnect, connexion de l'administration) : appelées
# hors de leur parcours, elles renvoient à la page de connexion sans que ce soit un refus.
ETAPES_DE_LA_CONNEXION = {
    "admin:login",
    "comptes:double_authentification",
    "comptes:activation_double_authentification",
    "comptes:proconnect_connexion",
    "comptes:proconnect_retour",
}

# Journaux en lecture seule, administrateurs compris : tentatives de connexion (django-axes) et journal
# d'audit, où personne ne peut ajouter ni effacer une entrée.
INTERDITES_A_TOUS = {f"admin:axes_{modele}_add" for modele in ("accessattempt", "accesslog", "accessfailurelog")} | {
    "admin:auditlog_logentry_add",
    "admin:auditlog_logentry_delete",
    # Un appareil de double authentification s'active à la connexion, par son titulaire ; l'administration le retire.
    "admin:otp_totp_totpdevice_add",
    "admin:otp_static_staticdevice_add",
    "admin:territoires_contour_add",  # un contour se charge par commande (territoires/admin.py)
}

# Paramètres sans lesquels une vue refuse la requête comme malformée.
PARAMETRES_EXEMPLE = {"admin:autocomplete": "?app_label=comptes&model_name=utilisateur&field_name=region"}


def toutes_les_urls(resolver=None, prefixe="", espaces=()):
    """(motif complet, nom qualifié, espace de noms racine, vue) de chaque URL du projet."""
    for motif in (resolver or get_resolver()).url_patterns:
        regex = prefixe + motif.pattern.regex.pattern.lstrip("^")
        if isinstance(motif, URLResolver):
            yield from toutes_les_urls(motif, regex, (*espaces, motif.namespace) if motif.namespace else espaces)
        else:
            nom = ":".join([*espaces, motif.name]) if motif.name else None
            yield regex, nom, espaces[0] if espaces else "", motif.callback


# L'objet que désigne l'argument « pk » (ou « code ») de chaque URL de détail.
MODELES_PAR_URL = {
    "territoire-detail": "territoires.Territoire",
    "organisme-detail": "dispositifs.Organisme",
    "dispositifs:organismes:detail": "dispositifs.Organisme",
    "dispositifs:organismes:modifier": "dispositifs.Organisme",
    "dispositif-detail": "dispositifs.Dispositif",
    "dispositifs:detail": "dispositifs.Dispositif",
    "dispositifs:modifier": "dispositifs.Dispositif",
    "cible-detail": "planification.Cible",
    "planification:historique": "planification.Cible",
    "appels:instruction:candidature": "appels.Candidature",
    "appels:instruction:complement_de_candidature": "appels.Candidature",
    "appels:instruction:repondre": "appels.DemandeComplement",
    "candidature-detail": "appels.Candidature",
    "avis-detail": "appels.Avis",
    "decision-detail": "appels.Decision",
    "demande-complement-detail": "appels.DemandeComplement",
    "comptes:accepter_demande": "comptes.DemandeInscription",
    "comptes:refuser_demande": "comptes.DemandeInscription",
    "indicateurs:saisie": "dispositifs.Dispositif",
    "indicateurs:validation_declaration": "indicateurs.Declaration",
    "declaration-detail": "indicateurs.Declaration",
    "declaration-valider": "indicateurs.Declaration",
    "declaration-renvoyer": "indicateurs.Declaration",
    "indicateurs:rapports:suivi": "indicateurs.Rapport",
    "indicateurs:rapports:statut": "indicateurs.Rapport",
    "indicateurs:rapports:telecharger": "indicateurs.Rapport",
    "indicateurs:rapports:telecharger_version": "indicateurs.Rapport",
    "rapport-detail": "indicateurs.Rapport",
    "financements:modifier_credit": "financements.Credit",
    "financements:modifier_enveloppe": "financements.Enveloppe",
    "credit-detail": "financements.Credit",
    "enveloppe-detail": "financements.Enveloppe",
    "dispositifs:nouvel_evenement": "dispositifs.Dispositif",
    "api-evenements": "dispositifs.Dispositif",
    "programme:feuille_de_route": "programme.FeuilleDeRoute",
    "programme:nouvelle_action": "programme.FeuilleDeRoute",
    "programme:nouvelle_revue": "programme.FeuilleDeRoute",
    "programme:action": "programme.Action",
    "programme:modifier_action": "programme.Action",
    "programme:nouveau_jalon": "programme.Action",
    "programme:modifier_jalon": "programme.Jalon",
    "programme:revue": "programme.RevueAnnuelle",
    "programme:modifier_revue": "programme.RevueAnnuelle",
    "programme:revue_pdf": "programme.RevueAnnuelle",
    "action-detail": "programme.Action",
    "feuille-de-route-detail": "programme.FeuilleDeRoute",
    "partenariats:convention": "partenariats.Convention",
    "partenariats:convention_pdf": "partenariats.Convention",
    "partenariats:modifier_convention": "partenariats.Convention",
    "partenariats:modifier_contact": "partenariats.Contact",
    "partenariats:rencontre": "partenariats.RencontreBilaterale",
    "partenariats:modifier_rencontre": "partenariats.RencontreBilaterale",
    "convention-detail": "partenariats.Convention",
}
VALEURS_PAR_URL = {
    ("planification:export", "format"): "csv",
    ("typedispositif-detail", "code"): "LHSS",
    ("dispositifs:catalogue:type", "code"): "LHSS",
    ("indicateur-detail", "code"): "file_active",
    ("appel-detail", "reference"): "appel-fictif-exemple",
    ("appels:detail", "reference"): "appel-fictif-exemple",
    ("appels:cahier", "reference"): "appel-fictif-exemple",
    ("appels:modifier", "reference"): "appel-fictif-exemple",
    ("appels:publier", "reference"): "appel-fictif-exemple",
    ("appels:candidatures:lettre", "reference"): "appel-fictif-exemple",
    ("appels:candidatures:brouillon", "reference"): "appel-fictif-exemple",
    ("appels:candidatures:piece", "reference"): "appel-fictif-exemple",
    ("appels:candidatures:deposer", "reference"): "appel-fictif-exemple",
    ("appels:candidatures:depot", "numero"): "AMI-2026-001-00001",
    ("appels:candidatures:accuse", "numero"): "AMI-2026-001-00001",
    ("appels:instruction:file", "reference"): "appel-fictif-exemple",
    ("appels:instruction:classement", "reference"): "appel-fictif-exemple",
    ("appels:instruction:export_csv", "reference"): "appel-fictif-exemple",
    ("appels:instruction:export_xlsx", "reference"): "appel-fictif-exemple",
    ("appels:instruction:pieces", "reference"): "appel-fictif-exemple",
    ("indicateurs:saisie", "mois"): "2026-10",
    ("indicateurs:rapports:telecharger_version", "numero"): "1",
    ("horizon-detail", "slug"): "cibles-2019-2023",
    # La case de la cible d'exemple (donnees_exemple) : son horizon, son type, son territoire.
    ("planification:historique_case", "horizon"): "cibles-2019-2023",
    ("planification:historique_case", "type"): lambda: apps.get_model("planification.Cible").objects.get().type.code,
    ("planification:historique_case", "territoire"): lambda: str(
        apps.get_model("planification.Cible").objects.get().territoire_id
    ),
    ("donnees:fiche", "slug"): "capacites",
    ("donnees:csv", "slug"): "capacites",
    ("donnees:json", "slug"): "capacites",
    ("donnees:schema", "slug"): "capacites",
    ("planification:modifier_horizon", "slug"): "cibles-2019-2023",
}


def valeur_exemple(nom_url, argument):
    """Une valeur plausible pour chaque argument d'URL ; un argument inconnu fait échouer le test."""
    if (nom_url, argument) in VALEURS_PAR_URL:
        valeur = VALEURS_PAR_URL[nom_url, argument]
        return valeur() if callable(valeur) else valeur
    if argument == "object_id" and (modele := modele_admin(nom_url)):
        objet = modele._default_manager.first()
        return str(objet.pk) if objet else "0"
    if argument == "pk":
        assert nom_url in MODELES_PAR_URL, f"{nom_url} : indiquez son modèle dans MODELES_PAR_URL"
        return str(apps.get_model(MODELES_PAR_URL[nom_url]).objects.first().pk)
    exemples = {
        "object_id": lambda: "0",
        "id": lambda: str(apps.get_model("comptes", "Utilisateur").objects.first().pk),
        "format": lambda: "json",
        "uidb64": lambda: "MQ",
        "token": lambda: "jeton-invalide",
        "app_label": lambda: "territoires",
        "content_type_id": lambda: "1",
        "url": lambda: "page-inexistante/",
    }
    assert argument in exemples, f"{nom_url} : ajoutez une valeur d'exemple pour l'argument « {argument} »"
    return exemples[argument]()


def modele_admin(nom_url):
    """Le modèle d'une URL d'administration nommée « admin:<app>_<modèle>_<action> », sinon None."""
    app_label, _, reste = (nom_url or "").removeprefix("admin:").partition("_")
    if app_label not in {config.label for config in apps.get_app_configs()}:
        return None
    return next(m for m in apps.get_app_config(app_label).get_models() if reste.startswith(m._meta.model_name))


def chemin_exemple(regex, nom_url):
    """Le chemin concret d'un motif : chaque groupe nommé reçoit sa valeur d'exemple."""

    def remplacer(groupe):
        valeur = valeur_exemple(nom_url, groupe["nom"])
        return "." + valeur if groupe["motif"].startswith("\\.") else valeur  # « .json » du routeur DRF

    chemin = re.sub(r"\(\?P<(?P<nom>\w+)>(?P<motif>[^)]*)\)", remplacer, regex)
    chemin = chemin.replace("\\Z", "").removesuffix("$").replace("/?", "")
    return "/" + re.sub(r"\\(.)", r"\1", chemin)  # caractères échappés dans le motif : \- \.


def est_refus(response) -> bool:
    """Refus : 401, 403, ou arrivée sur une page de connexion (redirections suivies dans l'administration)."""
    if response.status_code in (401, 403):
        return True
    pages_de_connexion = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    if response.status_code == 302:
        return response["Location"].startswith(pages_de_connexion)
    arrivee = response.redirect_chain[-1][0] if getattr(response, "redirect_chain", None) else ""
    return arrivee.startswith(pages_de_connexion)


def urls_sans_regle(resolver=None):
    return [
        regex for regex, nom, espace, vue in toutes_les_urls(resolver) if regle_de_la_vue(vue, espace, nom) is None
    ]


def test_chaque_url_declare_une_regle():
    assert urls_sans_regle() == [], "URL sans règle d'accès dans config/policy.py"


def vue_oubliee(request):
    return HttpResponse("Personne n'a déclaré qui peut me voir.")


# Le projet plus une vue sans règle : le parcours doit la trouver.
urlpatterns = [*config.urls.urlpatterns, path("oubliee/", vue_oubliee)]


def test_une_url_ajoutee_sans_regle_fait_echouer_le_test():
    assert urls_sans_regle(get_resolver("tests.test_acces")) == ["oubliee/\\Z"]


def test_chaque_regle_a_ses_roles_attendus():
    assert set(ROLES_ATTENDUS) == set(Regle)


# Pages d'objet qu'un rôle admis par la règle ne voit pas : l'objet d'exemple est hors de son périmètre (le niveau
# national lit les chiffres des appels, jamais les lettres des opérateurs) ; 404 attendu, comme pour un objet absent.
HORS_PERIMETRE = {Role.NATIONAL: {"appels:candidatures:depot", "appels:candidatures:accuse"}}


def ecart(response, chemin, nom, role, attendu_autorise):
    """Décrit ce qui ne va pas dans la réponse, ou None si elle est conforme à la règle."""
    administration = chemin.startswith("/admin/")
    if nom in HORS_PERIMETRE.get(role, ()):
        return None if response.status_code == 404 else f"{chemin} : {role} reçoit {response.status_code}, attendu 404"
    if (est_refus(response) and nom not in ETAPES_DE_LA_CONNEXION) == attendu_autorise:
        return f"{chemin} : {response.status_code}, attendu {'accès' if attendu_autorise else 'refus'}"
    if attendu_autorise:
        # L'administration répond 404 à view_on_site pour un objet qui n'a pas de page publique.
        admis = {405} if nom in POST_SEULEMENT else {200, 404} if administration else {200, 302}
    elif administration:
        return None  # refus vérifié ci-dessus : arrivée sur la page de connexion de l'administration
    elif role is None:
        admis = {401} if chemin.startswith("/api/") else {302}
    else:
        admis = {403}
    if response.status_code not in admis:
        return f"{chemin} : {role or 'anonyme'} reçoit {response.status_code}, attendu {sorted(admis)}"
    return None


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r or "anonyme")
def test_chaque_url_repond_selon_sa_regle_pour_chaque_role(client, casting, donnees_exemple, role):
    if casting[role]:
        client.force_login(casting[role])
    ecarts = []
    for regex, nom, espace, vue in toutes_les_urls():
        chemin = chemin_exemple(regex, nom)
        attendu_autorise = role in ROLES_ATTENDUS[regle_de_la_vue(vue, espace, nom)] and nom not in INTERDITES_A_TOUS
        # Dans l'administration, une redirection peut être un refus ou un objet absent : on la suit.
        response = client.get(chemin + PARAMETRES_EXEMPLE.get(nom, ""), follow=chemin.startswith("/admin/"))
        probleme = ecart(response, chemin, nom, role, attendu_autorise)
        if probleme:
            ecarts.append(probleme)
    assert ecarts == [], "\n".join(ecarts)
