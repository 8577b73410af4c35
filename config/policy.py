"""Qui peut faire quoi : la seule source des règles d'accès de Pilotage PRAPS.

Chaque vue déclare une règle (`@acces(Regle.X)` pour les vues Django, `regle_acces = Regle.X` pour les
vues d'API) ; une vue sans règle est refusée à tous par l'API et fait échouer le test qui parcourt toutes
les URL du projet (tests/test_acces.py). La navigation, le site d'administration et l'API lisent les
mêmes règles.
"""

from enum import StrEnum
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from comptes.models import ROLES_REGIONAUX, Role


class Regle(StrEnum):
    PUBLIC = "public"
    CONNECTE = "connecte"
    CONSULTER_PLANIFICATION = "consulter_planification"
    PLANIFIER = "planifier"
    GERER_APPELS = "gerer_appels"
    GERER_HORIZONS = "gerer_horizons"
    DEPOSER = "deposer"
    INSTRUIRE = "instruire"
    DECIDER = "decider"
    GERER_OPERATEURS = "gerer_operateurs"
    DECLARER = "declarer"
    VALIDER_DECLARATIONS = "valider_declarations"
    CONSULTER_JOURNAL = "consulter_journal"
    CONSULTER_OFFRE = "consulter_offre"
    GERER_OFFRE = "gerer_offre"
    CONSULTER_FINANCEMENTS = "consulter_financements"
    PILOTER_PROGRAMME = "piloter_programme"
    CONSULTER_CONVENTIONS = "consulter_conventions"
    ENREGISTRER_CONVENTIONS = "enregistrer_conventions"
    CONSULTER_PARTENARIATS = "consulter_partenariats"
    GERER_PARTENARIATS = "gerer_partenariats"
    ADMINISTRATION = "administration"


# Rôles admis par règle ; None : tout le monde, y compris sans connexion.
ROLES_PAR_REGLE: dict[Regle, frozenset[Role] | None] = {
    Regle.PUBLIC: None,
    Regle.CONNECTE: frozenset(Role),
    # Le niveau national lit la planification, l'offre et les financements de toutes les régions (`regions_visibles`) ;
    # il planifie, mais seulement au niveau du pays (`peut_modifier_cible`).
    Regle.CONSULTER_PLANIFICATION: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.PLANIFIER: frozenset({Role.PLANIFICATEUR, Role.NATIONAL, Role.ADMINISTRATEUR}),
    Regle.GERER_APPELS: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    # Les horizons de programmation (PRAPS, Ségur…) sont communs à toutes les régions : le niveau national les crée.
    Regle.GERER_HORIZONS: frozenset({Role.NATIONAL, Role.ADMINISTRATEUR}),
    Regle.DEPOSER: frozenset({Role.OPERATEUR}),
    Regle.INSTRUIRE: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.ADMINISTRATEUR}),
    # La décision de financement est celle de l'ARS : la DREETS, associée à l'appel, co-instruit (avis) sans
    # décider (feuille de route commune DREETS / ARS, sources/003 : « appel à projet piloté par l'ARS […] auquel
    # le service des solidarités de la DREETS a été associé »).
    Regle.DECIDER: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),
    Regle.GERER_OPERATEURS: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),
    Regle.DECLARER: frozenset({Role.OPERATEUR}),
    Regle.VALIDER_DECLARATIONS: frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.ADMINISTRATEUR}),
    # Le journal de la région (issue 11) : ses planificateurs ; tout le journal pour un administrateur.
    Regle.CONSULTER_JOURNAL: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    # Financer et autoriser (issue 12) : organismes, dispositifs, arrêtés, crédits. Tous les rôles connectés lisent
    # (l'opérateur, ses organismes seulement : `dispositifs_visibles`) ; le planificateur écrit dans sa région.
    Regle.CONSULTER_OFFRE: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.OPERATEUR, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.GERER_OFFRE: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    Regle.CONSULTER_FINANCEMENTS: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    # Le programme (issue 13, point 3) : ceux qui lisent la planification lisent les feuilles de route ; les
    # planificateurs de la région écrivent ses actions, jalons et revues annuelles (`feuilles_de_route_pilotees`).
    Regle.PILOTER_PROGRAMME: frozenset({Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    # Conventions entre un dispositif et ses partenaires (issue 13) : l'opérateur lit et déclare celles de ses
    # organismes, l'ARS de la région les lit et les gère ; la DREETS les lit, leur déploiement est un chantier de la
    # feuille de route commune (sources/003 : « conventions entre l'hôpital - notamment les PASS - et les structures
    # sociales ») ; le niveau national lit toutes les régions.
    Regle.CONSULTER_CONVENTIONS: frozenset(Role),
    Regle.ENREGISTRER_CONVENTIONS: frozenset({Role.OPERATEUR, Role.PLANIFICATEUR, Role.ADMINISTRATEUR}),
    # Annuaire des correspondants et rencontres bilatérales : la feuille de route est commune à l'ARS et à la DREETS
    # (sources/003 : « un tableau des contacts est établi et régulièrement actualisé ») ; les deux l'écrivent.
    Regle.CONSULTER_PARTENARIATS: frozenset(
        {Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS, Role.NATIONAL, Role.ADMINISTRATEUR}
    ),
    Regle.GERER_PARTENARIATS: frozenset({Role.PLANIFICATEUR, Role.DREETS, Role.ADMINISTRATEUR}),
    Regle.ADMINISTRATION: frozenset({Role.ADMINISTRATEUR}),
}

# Règles posées sur des URL dont nous n'écrivons pas les vues : tout un espace de noms, ou un nom précis.
REGLES_PAR_ESPACE = {"admin": Regle.ADMINISTRATION}
REGLES_PAR_NOM = {"admin:login": Regle.PUBLIC}


# Comment on se connecte (issue 15). Hors démonstration, le mot de passe seul n'ouvre pas une session qui décide :
# un code TOTP le complète.
ROLES_DOUBLE_AUTHENTIFICATION = frozenset({Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.NATIONAL, Role.ADMINISTRATEUR})
# ProConnect est la fédération d'identité des agents publics : les agents ARS, DREETS et des administrations centrales
# s'y connectent ; les opérateurs (organismes gestionnaires) et l'administration technique gardent leur mot de passe.
ROLES_PROCONNECT = frozenset({*ROLES_REGIONAUX, Role.NATIONAL})


def exige_double_authentification(user) -> bool:
    return not settings.DEBUG and user.role in ROLES_DOUBLE_AUTHENTIFICATION


def peut_se_connecter_par_proconnect(user) -> bool:
    return user.role in ROLES_PROCONNECT


def autorise(user, regle: Regle) -> bool:
    roles = ROLES_PAR_REGLE[regle]
    if roles is None:
        return True
    return user.is_authenticated and user.is_active and user.role in roles


def acces(regle: Regle):
    """Décore une vue Django : la règle est vérifiée puis mémorisée sur la vue pour les tests."""

    def decorer(vue):
        @wraps(vue)
        def vue_gardee(request, *args, **kwargs):
            if not autorise(request.user, regle):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return vue(request, *args, **kwargs)

        vue_gardee.regle_acces = regle
        # Les vues publiques échappent à LoginRequiredMiddleware ; les autres restent gardées deux fois.
        vue_gardee.login_required = ROLES_PAR_REGLE[regle] is not None
        return vue_gardee

    return decorer


def regle_de_la_vue(vue, espace: str = "", nom: str | None = None) -> Regle | None:
    """La règle déclarée pour une vue (ou pour son URL), None si personne n'en a déclaré."""
    if nom in REGLES_PAR_NOM:
        return REGLES_PAR_NOM[nom]
    if espace in REGLES_PAR_ESPACE:
        return REGLES_PAR_ESPACE[espace]
    for porteur in (vue, getattr(vue, "cls", None), getattr(vue, "view_class", None)):
        regle = getattr(porteur, "regle_acces", None)
        if regle is not None:
            return regle
    return None


def regions_visibles(user):
    """Les régions dont l'utilisateur voit la planification : toutes pour un administrateur ou un agent national,
    sinon la sienne (aucune pour un compte sans région)."""
    from territoires.models import Territoire

    regions = Territoire.objects.regions()
    if user.is_authenticated and user.role in (Role.ADMINISTRATEUR, Role.NATIONAL):
        return regions
    return regions.filter(pk=getattr(user, "region_id", None)) if getattr(user, "region_id", None) else regions.none()


def perimetres_de_planification(user):
    """Les territoires dont l'utilisateur ouvre le tableau de planification et les cibles : ses régions visibles, et
    le pays (le niveau des cibles nationales) pour un agent national ou un administrateur."""
    from territoires.models import Territoire

    perimetres = Q(pk__in=regions_visibles(user))
    if user.is_authenticated and user.role in (Role.NATIONAL, Role.ADMINISTRATEUR):
        perimetres |= Q(pk__in=Territoire.objects.pays())
    return Territoire.objects.filter(perimetres)


def territoires_des_cibles_lisibles(user):
    """Les territoires dont l'utilisateur lit les cibles (la liste de l'API) : ceux de ses régions visibles, et le
    pays, dont les cibles nationales sont le cadre commun de toutes les régions."""
    from territoires.models import Niveau, Territoire

    lisibles = Q(niveau=Niveau.PAYS)
    for chemin in _chemins_des_regions_visibles(user):
        lisibles |= Q(chemin__startswith=chemin)
    return Territoire.objects.filter(lisibles)


def lit_les_cibles_de(user, territoire) -> bool:
    """La même règle pour une case (l'historique, même quand sa cible a été supprimée) : `territoire` est-il
    parmi `territoires_des_cibles_lisibles(user)` ? Une requête, celle des régions visibles."""
    from territoires.models import Niveau

    chemins = _chemins_des_regions_visibles(user)
    return territoire.niveau == Niveau.PAYS or any(territoire.chemin.startswith(c) for c in chemins)


def _chemins_des_regions_visibles(user) -> list[str]:
    return list(regions_visibles(user).values_list("chemin", flat=True))


def perimetres_de_saisie(user):
    """Les périmètres dont l'utilisateur saisit la grille des cibles (`peut_modifier_cible`) : le pays pour un
    agent national, sa région pour un planificateur, tous pour un administrateur."""
    from territoires.models import Territoire

    if user.is_authenticated and user.role == Role.NATIONAL:
        return Territoire.objects.pays()
    return perimetres_de_planification(user)


def appels_geres(user):
    """Les appels qu'un agent gère, brouillons compris : ceux de sa région, tous pour un administrateur."""
    from appels.models import Appel

    return Appel.objects.filter(region__in=regions_visibles(user))


def appels_visibles(user):
    """Les appels publiés, plus les brouillons de la région de qui gère les appels (pages et API)."""
    from appels.models import Appel

    if autorise(user, Regle.GERER_APPELS):
        return Appel.objects.publies() | appels_geres(user)
    return Appel.objects.publies()


def appels_instruits(user):
    """Les appels qu'un agent instruit : ceux de sa région (pour la DREETS, seulement en co-instruction), tous
    pour un administrateur ; jamais un brouillon."""
    from appels.models import Appel

    appels = Appel.objects.publies().filter(region__in=regions_visibles(user))
    if user.role == Role.DREETS:
        appels = appels.filter(co_instruction_dreets=True)
    return appels


def candidatures_visibles(user, candidatures):
    """Le filtre de `peut_voir_candidature` pour une liste : les siennes pour un opérateur, celles des appels
    qu'il instruit pour un agent."""
    if user.role == Role.OPERATEUR:
        return candidatures.pour_operateur(user)
    return candidatures.filter(appel__in=appels_instruits(user))


def depots_lisibles(user):
    """Les dépôts dont un utilisateur ouvre la lettre, comme `peut_voir_candidature` mais en une requête : les siens
    pour un opérateur, ceux des appels qu'il instruit pour un agent ; aucun pour le niveau national (il lit les
    chiffres des appels, jamais les lettres)."""
    from appels.models import Candidature, Depot

    if not user.is_authenticated or user.role == Role.NATIONAL:
        return Depot.objects.none()
    if user.role == Role.ADMINISTRATEUR:
        return Depot.objects.all()
    return Depot.objects.filter(candidature__in=candidatures_visibles(user, Candidature.objects.all()))


def dispositifs_visibles(user):
    """Les dispositifs dont un utilisateur ouvre la fiche (/dispositifs/) : ceux de ses organismes pour un opérateur,
    de sa région pour un agent, tous pour un administrateur ; aucun pour l'anonyme."""
    from dispositifs.models import Dispositif

    if user.is_authenticated and user.role == Role.OPERATEUR:
        return Dispositif.objects.filter(organisme__in=user.organismes.all())
    return dispositifs_suivis(user)


def dispositifs_geres(user):
    """Les dispositifs qu'un utilisateur modifie (identité, arrêtés, crédits) : ceux de sa région pour un
    planificateur, tous pour un administrateur, aucun pour les autres rôles."""
    from dispositifs.models import Dispositif

    if not autorise(user, Regle.GERER_OFFRE):
        return Dispositif.objects.none()
    return dispositifs_suivis(user)


def organismes_visibles(user):
    """Les organismes dont un utilisateur ouvre la fiche : les siens pour un opérateur ; tous pour un agent (l'identité
    d'une personne morale est publique dans FINESS et SIRENE ; sa fiche ne montre que ce qui est dans sa région)."""
    from dispositifs.models import Organisme

    if not autorise(user, Regle.CONSULTER_OFFRE):
        return Organisme.objects.none()
    if user.role == Role.OPERATEUR:
        return user.organismes.all()
    return Organisme.objects.all()


def organismes_geres(user):
    """Les organismes qu'un utilisateur modifie : pour un planificateur, ceux qui ont un dispositif dans sa région ou
    n'en ont encore aucun (il vient de le créer) ; tous pour un administrateur."""
    from dispositifs.models import Organisme

    if not autorise(user, Regle.GERER_OFFRE):
        return Organisme.objects.none()
    if user.role == Role.ADMINISTRATEUR:
        return Organisme.objects.all()
    if not user.region_id:
        return Organisme.objects.none()
    return Organisme.objects.filter(
        Q(dispositifs__territoire__chemin__startswith=user.region.chemin) | Q(dispositifs=None)
    ).distinct()


def dispositifs_declarants(user):
    """Les dispositifs dont l'utilisateur déclare les indicateurs : autorisés ou installés, de ses organismes
    pour un opérateur ; aucun pour les autres rôles."""
    from dispositifs.models import Dispositif

    if not user.is_authenticated or user.role != Role.OPERATEUR:
        return Dispositif.objects.none()
    return Dispositif.objects.en_service().filter(organisme__in=user.organismes.all())


def dispositifs_suivis(user):
    """Les dispositifs dont un agent suit et valide les déclarations : ceux de sa région (tous pour un
    administrateur)."""
    from dispositifs.models import Dispositif

    if not autorise(user, Regle.CONSULTER_PLANIFICATION):
        return Dispositif.objects.none()
    if user.role in (Role.ADMINISTRATEUR, Role.NATIONAL):
        return Dispositif.objects.all()
    return Dispositif.objects.dans(user.region) if user.region_id else Dispositif.objects.none()


def declarations_visibles(user):
    """Les déclarations mensuelles qu'un utilisateur lit : celles de ses dispositifs pour un opérateur, de
    sa région pour un agent, toutes pour un administrateur ; aucune pour l'anonyme."""
    from indicateurs.models import Declaration

    if user.is_authenticated and user.role == Role.OPERATEUR:
        return Declaration.objects.filter(dispositif__in=dispositifs_declarants(user))
    return Declaration.objects.filter(dispositif__in=dispositifs_suivis(user))


def rapports_visibles(user):
    """Les rapports qu'un utilisateur voit et télécharge : les versions publiques qui ont un fichier, pour tous ;
    en plus, pour les agents ARS et DREETS, toutes les versions de leur région et de ses départements ; pour un agent
    national, celles de la France, de toutes les régions et de leurs départements ; tout pour un administrateur.
    Une seule requête, sans lire le compte."""
    from indicateurs.models import Rapport

    rapports = Rapport.objects.all()
    if user.is_authenticated and user.role == Role.ADMINISTRATEUR:
        return rapports
    publics = Q(public=True) & ~Q(fichier="")
    if not autorise(user, Regle.CONSULTER_PLANIFICATION):
        return rapports.filter(publics)
    regions = regions_visibles(user)
    return rapports.filter(
        publics | Q(territoire__in=perimetres_de_planification(user)) | Q(territoire__parent__in=regions)
    )


def journal_visible(user):
    """Les entrées du journal d'audit qu'un utilisateur lit : celles des objets de sa région (cibles, appels et
    leur instruction, dispositifs, déclarations, rapports) ; tout le journal pour un administrateur, y compris les
    entrées des objets supprimés depuis ; aucune pour les autres rôles."""
    from journal.models import EntreeJournal

    entrees = EntreeJournal.objects.all()
    if user.is_authenticated and user.role == Role.ADMINISTRATEUR:
        return entrees
    if not autorise(user, Regle.CONSULTER_JOURNAL):
        return entrees.none()
    return entrees.dans_les_regions(regions_visibles(user).values_list("chemin", flat=True))


def feuilles_de_route_visibles(user):
    """Les feuilles de route qu'un utilisateur lit : celles de ses régions visibles, pour qui lit la planification."""
    from programme.models import FeuilleDeRoute

    if not autorise(user, Regle.CONSULTER_PLANIFICATION):
        return FeuilleDeRoute.objects.none()
    return FeuilleDeRoute.objects.dans_les_regions(regions_visibles(user))


def feuilles_de_route_pilotees(user):
    """Les feuilles de route dont un utilisateur écrit les actions, jalons et revues : celles de sa région pour un
    planificateur, toutes pour un administrateur ; aucune pour le niveau national, qui lit seulement."""
    from programme.models import FeuilleDeRoute

    if not autorise(user, Regle.PILOTER_PROGRAMME):
        return FeuilleDeRoute.objects.none()
    return FeuilleDeRoute.objects.dans_les_regions(regions_visibles(user))


def territoires_des_regions(regions):
    """Les régions données et tout ce qu'elles contiennent (départements, territoires de santé), en sous-requête."""
    from territoires.models import Territoire

    return Territoire.objects.filter(Q(pk__in=regions) | Q(parent__in=regions) | Q(parent__parent__in=regions)).values(
        "pk"
    )


def conventions_visibles(user):
    """Les conventions qu'un utilisateur lit : celles de ses organismes pour un opérateur, celles des territoires de
    sa région pour un agent, toutes pour un agent national ou un administrateur ; aucune pour l'anonyme."""
    from partenariats.models import Convention

    if not autorise(user, Regle.CONSULTER_CONVENTIONS):
        return Convention.objects.none()
    if user.role == Role.OPERATEUR:
        return Convention.objects.filter(organisme__in=user.organismes.all())
    return Convention.objects.filter(territoire__in=territoires_des_regions(regions_visibles(user)))


def conventions_gerees(user):
    """Les conventions qu'un utilisateur déclare ou modifie : celles de ses organismes pour un opérateur, de sa région
    pour un planificateur, toutes pour un administrateur."""
    from partenariats.models import Convention

    if not autorise(user, Regle.ENREGISTRER_CONVENTIONS):
        return Convention.objects.none()
    return conventions_visibles(user)


def territoires_des_conventions(user):
    """Les territoires où un utilisateur range une convention : tous pour un opérateur (ses organismes n'ont pas de
    région ; l'ARS du territoire choisi la verra), sa région pour un planificateur, tous pour un administrateur."""
    from territoires.models import Territoire

    if not autorise(user, Regle.ENREGISTRER_CONVENTIONS):
        return Territoire.objects.none()
    if user.role == Role.OPERATEUR:
        return Territoire.objects.all()
    return Territoire.objects.filter(pk__in=territoires_des_regions(regions_visibles(user)))


def organismes_des_conventions(user):
    """Les organismes sous lesquels un utilisateur range une convention : les siens pour un opérateur ; pour un agent,
    ceux qui ont un dispositif ou déjà une convention dans ses territoires (une liste bornée par sa région, pas tous
    les organismes de FINESS) ; tous pour un administrateur."""
    from dispositifs.models import Organisme

    if not autorise(user, Regle.ENREGISTRER_CONVENTIONS):
        return Organisme.objects.none()
    if user.role == Role.OPERATEUR:
        return user.organismes.all()
    if user.role == Role.ADMINISTRATEUR:
        return Organisme.objects.all()
    territoires = territoires_des_conventions(user)
    return Organisme.objects.filter(
        Q(pk__in=Organisme.objects.filter(dispositifs__territoire__in=territoires).values("pk"))
        | Q(pk__in=Organisme.objects.filter(conventions__territoire__in=territoires).values("pk"))
    )


def perimetre_des_partenariats(user, regions=None):
    """Les territoires dont un agent lit l'annuaire et les rencontres : ceux de ses régions visibles (parmi
    `regions`, le filtre de la page, quand il est donné)."""
    from territoires.models import Territoire

    if not autorise(user, Regle.CONSULTER_PARTENARIATS):
        return Territoire.objects.none().values("pk")
    visibles = regions_visibles(user)
    if regions is not None:
        visibles = visibles.filter(pk__in=[r.pk for r in regions])
    return territoires_des_regions(visibles)


def territoires_des_partenariats_geres(user):
    """Les territoires où un agent écrit l'annuaire et les rencontres : sa région (toutes pour un administrateur) ;
    le niveau national lit sans écrire."""
    from territoires.models import Territoire

    if not autorise(user, Regle.GERER_PARTENARIATS):
        return Territoire.objects.none()
    return Territoire.objects.filter(pk__in=territoires_des_regions(regions_visibles(user)))


def perimetres_demandables(user):
    """Les périmètres dont un agent peut demander le rapport : sa région et ses départements (la France, toutes les
    régions et tous les départements pour un agent national ou un administrateur)."""
    from territoires.models import Niveau, Territoire

    regions = regions_visibles(user)
    return Territoire.objects.filter(
        Q(pk__in=perimetres_de_planification(user)) | Q(parent__in=regions, niveau=Niveau.DEPARTEMENT)
    )


def peut_modifier_cible(user, territoire) -> bool:
    """Un planificateur modifie les cibles des territoires de sa région ; un agent national, celles du pays (les
    cibles nationales), jamais celles d'une région ; un administrateur, toutes."""
    from territoires.models import Niveau

    if not autorise(user, Regle.PLANIFIER):
        return False
    if user.role == Role.ADMINISTRATEUR:
        return True
    if user.role == Role.NATIONAL:
        return territoire.niveau == Niveau.PAYS
    return territoire.niveau != Niveau.PAYS and territoire.code_region == user.region.code


def peut_voir_candidature(user, candidature) -> bool:
    """L'opérateur voit les candidatures de ses organismes ; l'ARS, celles des appels de sa région ; la
    DREETS, seulement quand l'appel prévoit sa co-instruction ; l'administrateur, toutes."""
    if not user.is_authenticated:
        return False
    appel = candidature.appel
    if user.role == Role.OPERATEUR:
        return user.organismes.filter(pk=candidature.organisme_id).exists()
    if user.role in (Role.PLANIFICATEUR, Role.INSTRUCTEUR):
        return appel.region_id == user.region_id
    if user.role == Role.DREETS:
        return appel.region_id == user.region_id and appel.co_instruction_dreets
    return user.role == Role.ADMINISTRATEUR


class AccesAPI(BasePermission):
    """Permission par défaut de l'API : la vue déclare `regle_acces` pour la lecture et, si elle accepte
    l'écriture, `regle_ecriture` ; l'écriture n'hérite jamais de la règle de lecture. Sans règle
    déclarée, l'accès est refusé."""

    message = "Votre rôle ne vous donne pas accès à cette ressource."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            regle = getattr(view, "regle_acces", None)
        else:
            regle = getattr(view, "regle_ecriture", None)
        return regle is not None and autorise(request.user, regle)
