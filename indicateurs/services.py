"""Tous les changements d'état des indicateurs : la vie d'une déclaration mensuelle (saisie, transmission,
validation, renvoi), les dérogations, les relances et les rapports PDF (demande, génération, publication).

Chaque changement d'état relit l'état de départ sur la ligne verrouillée (SELECT … FOR UPDATE) et s'écrit par
save(), pour que le journal d'audit le voie : deux clics ne valident jamais deux fois. Un refus
est une ValidationError (message en français, `code` stable, par code d'indicateur ou par champ) ; une
modification concurrente, un commun.erreurs.Conflit.
"""

import datetime
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from commun.erreurs import Conflit
from commun.mois import decaler, mois_de, mois_precedent
from commun.notifications import envoyer, membres_actifs
from commun.transitions import champs_automatiques, passer
from dispositifs.models import Dispositif, TypeDispositif
from indicateurs import agregation, calendrier, publication, rapports, suivi, tasks
from indicateurs.catalogue import CATALOGUE
from indicateurs.models import (
    MODIFIABLES,
    MOTIF_PUBLIC_REGIONAL,
    Declaration,
    Derogation,
    EditionPublique,
    Indicateur,
    MomentRelance,
    NatureValeur,
    Rapport,
    Relance,
    StatutDeclaration,
    StatutRapport,
    Valeur,
    VersionRapport,
)
from indicateurs.regles import erreur_de_borne, erreur_de_commentaire, erreurs_de_coherence, valeurs_inhabituelles
from territoires.models import Niveau, Territoire

logger = logging.getLogger(__name__)

DECLARATION_MODIFIEE = (
    "Cette déclaration a été modifiée depuis que vous l'avez ouverte (autre onglet, autre personne ou import). "
    "Vos valeurs ne sont pas enregistrées : rechargez la page pour voir la version actuelle, puis saisissez à "
    "nouveau vos changements."
)


# Déclarations ----------------------------------------------------------------------------------------------


@transaction.atomic
def enregistrer_declaration(
    *,
    dispositif,
    mois: datetime.date,
    valeurs: dict,
    commentaires: dict | None = None,
    version_lue: int | None = None,
    aujourd_hui: datetime.date | None = None,
) -> Declaration:
    """Enregistre les valeurs d'un mois (brouillon) ; tout ou rien, avec toutes les erreurs d'un coup.
    `version_lue` : la version affichée (0 pour un mois encore vide ; None l'omet, pour les scripts). Chaque
    enregistrement incrémente la version : un formulaire périmé reçoit un Conflit."""
    commentaires = commentaires or {}
    refuser_si_ferme(mois, dispositif, aujourd_hui)
    declaration, creee = Declaration.objects.select_for_update().get_or_create(dispositif=dispositif, mois=mois)
    if version_lue is not None and version_lue != (0 if creee else declaration.version):
        raise Conflit(DECLARATION_MODIFIEE)
    if not declaration.est_modifiable:
        message = f"Déclaration {declaration.get_statut_display().lower()} : elle ne se modifie plus."
        raise ValidationError(message, code="non_modifiable")
    attendus = {i.code: i for i in Indicateur.objects.saisis().for_type(dispositif.type_id)}
    refuser_si_erreurs(dispositif, mois, valeurs, commentaires, attendus)
    ecrire_valeurs(declaration, {attendus[code]: valeur for code, valeur in valeurs.items()}, commentaires)
    declaration.version += 1
    declaration.save(update_fields=["version"])
    return declaration


def ecrire_valeurs(declaration, valeurs: dict, commentaires: dict):
    """Chaque valeur (par indicateur) écrite ou remplacée avec son commentaire ; None efface la valeur."""
    for indicateur, valeur in valeurs.items():
        if valeur is None:
            Valeur.objects.filter(declaration=declaration, indicateur=indicateur).delete()
            continue
        Valeur.objects.update_or_create(
            declaration=declaration,
            indicateur=indicateur,
            defaults={"valeur": Decimal(valeur), "commentaire": commentaires.get(indicateur.code, "")},
        )


def refuser_si_ferme(mois: datetime.date, dispositif, aujourd_hui: datetime.date | None):
    """Un mois à venir ou verrouillé (sans dérogation) ne s'enregistre ni ne se transmet."""
    if fermeture := calendrier.raison_de_fermeture(mois, dispositif, aujourd_hui or calendrier.aujourd_hui()):
        raise ValidationError(fermeture, code="mois_ferme")


def refuser_si_erreurs(dispositif, mois, valeurs, commentaires, attendus):
    """Toutes les erreurs de la saisie à la fois, par code d'indicateur (plusieurs par indicateur s'il le faut) :
    indicateur d'un autre type, incohérences, nature, valeurs inhabituelles sans commentaire."""
    erreurs = erreurs_de_borne(valeurs, commentaires)
    valeurs = {code: valeur for code, valeur in valeurs.items() if code not in erreurs}  # les autres contrôles
    for code in valeurs:
        if code not in attendus:
            erreurs[code].append(
                ValidationError("Cet indicateur ne concerne pas ce type de dispositif.", code="hors_type")
            )
    for code, message in erreurs_de_coherence(valeurs).items():
        erreurs[code].append(ValidationError(message, code="incoherente"))
    for code, valeur in valeurs.items():
        if (
            code in attendus
            and valeur is not None
            and attendus[code].nature_valeur == NatureValeur.ENTIER
            and valeur % 1
        ):
            message = f"{attendus[code].libelle} : un nombre entier est attendu."
            erreurs[code].append(ValidationError(message, code="entier_attendu"))
    # Une valeur fausse (négative, plus de nouvelles personnes que la file active…) est d'abord à corriger : le
    # signalement « inhabituelle », qui ne demande qu'un commentaire, ne s'ajoute qu'à une valeur sans erreur.
    alertes = valeurs_inhabituelles(valeurs, Valeur.objects.historique(dispositif, mois))
    for code, message in alertes.items():
        if not commentaires.get(code) and code not in erreurs:
            erreurs[code].append(ValidationError(message, code="inhabituelle"))
    if erreurs:
        raise ValidationError(dict(erreurs))


def erreurs_de_borne(valeurs, commentaires) -> defaultdict:
    """Ce qui ne tient pas dans les colonnes (indicateurs.regles) : vérifié ici pour tous les chemins (page, API,
    import, scripts), avant tout calcul — 1e30 faisait lever `valeur % 1`, 1e20 s'écrivait sur SQLite."""
    erreurs = defaultdict(list)
    for code, valeur in valeurs.items():
        if valeur is not None and (message := erreur_de_borne(valeur)):
            erreurs[code].append(ValidationError(message, code="hors_bornes"))
    for code, commentaire in commentaires.items():
        if message := erreur_de_commentaire(commentaire):
            erreurs[code].append(ValidationError(message, code="commentaire_invalide"))
    return erreurs


@transaction.atomic
def enregistrer_et_transmettre(**arguments) -> Declaration:
    """Le bouton « Transmettre à l'ARS » : enregistre ce qui est saisi puis transmet, tout ou rien."""
    return transmettre(declaration=enregistrer_declaration(**arguments), aujourd_hui=arguments.get("aujourd_hui"))


def changer_statut(declaration, depuis, vers, **champs) -> Declaration:
    """Passe la déclaration de l'un des états `depuis` à `vers` par `commun.transitions.passer` (état relu sous
    verrou, écrit par save() que le journal voit) : si elle a changé entre-temps, rien n'est écrit, et deux clics ne
    valident jamais deux fois. L'objet reçu (avec ce qu'il a déjà chargé) reçoit les valeurs écrites."""
    passee = passer(Declaration.objects.filter(pk=declaration.pk, statut__in=depuis), statut=vers, **champs)
    if passee is None:
        declaration.refresh_from_db(fields=["statut"])
        message = f"Déclaration déjà « {declaration.get_statut_display().lower()} »."
        raise ValidationError(message, code="statut_change")
    for nom in ("statut", *champs, *champs_automatiques(passee)):
        setattr(declaration, nom, getattr(passee, nom))
    return declaration


def transmettre(*, declaration, aujourd_hui: datetime.date | None = None) -> Declaration:
    refuser_si_ferme(declaration.mois, declaration.dispositif, aujourd_hui)
    if raison := calendrier.pas_encore_transmissible(declaration.mois, aujourd_hui or calendrier.aujourd_hui()):
        raise ValidationError(raison, code="mois_en_cours")
    if not declaration.valeurs.exists():
        raise ValidationError("Aucune valeur saisie : rien à transmettre.", code="sans_valeur")
    return changer_statut(declaration, MODIFIABLES, StatutDeclaration.TRANSMISE, transmise_le=timezone.now())


@transaction.atomic
def valider(*, declaration, user) -> Declaration:
    declaration = changer_statut(
        declaration,
        [StatutDeclaration.TRANSMISE],
        StatutDeclaration.VALIDEE,
        validee_le=timezone.now(),
        validee_par=user,
    )
    reagreger_apres_validation(declaration)
    return declaration


def reagreger_apres_validation(declaration):
    """Le worker recalcule ce que la validation (ou sa levée) change, une fois l'écriture enregistrée."""
    dispositif, mois = declaration.dispositif, declaration.mois.isoformat()
    transaction.on_commit(lambda: tasks.agreger_mois.delay(dispositif.type_id, mois, dispositif.territoire_id))


def motif_requis(motif: str, message: str) -> str:
    if not motif.strip():
        raise ValidationError({"motif": ValidationError(message, code="requis")})
    return motif.strip()


@transaction.atomic
def renvoyer(*, declaration, motif: str) -> Declaration:
    """Renvoie la déclaration à l'opérateur avec ce qu'il doit corriger ; il en est averti par courriel."""
    motif = motif_requis(motif, "Dites à l'opérateur ce qu'il doit corriger.")
    declaration = changer_statut(
        declaration, [StatutDeclaration.TRANSMISE], StatutDeclaration.RENVOYEE, motif_renvoi=motif
    )
    transaction.on_commit(lambda: notifier_renvoi(declaration))
    return declaration


def notifier_renvoi(declaration):
    """Courriel aux comptes actifs de l'organisme du dispositif : ce qu'il doit corriger."""
    contexte = {"declaration": declaration, "dispositif": declaration.dispositif}
    envoyer("indicateurs/email/renvoi", contexte, membres_actifs(declaration.dispositif.organisme))


DECLARATION_CHANGEE_PAR_L_ARS = (
    "Cette déclaration a changé depuis que vous l'avez ouverte (un autre agent l'a rouverte, ou l'opérateur l'a "
    "corrigée) : rien n'a été fait. Rechargez la page pour voir son état actuel."
)


@transaction.atomic
def rouvrir(*, declaration, motif: str, version_lue: int) -> Declaration:
    """L'ARS rouvre une déclaration validée : elle repasse à l'opérateur comme une déclaration renvoyée, avec le
    motif ; sa version change (verrou optimiste : `version_lue` est celle que l'agent a vue), les agrégats sont
    recalculés sans elle comme après une validation, et l'opérateur est prévenu par courriel."""
    motif = motif_requis(motif, "Dites à l'opérateur pourquoi cette déclaration validée est rouverte.")
    version = Declaration.objects.select_for_update().values_list("version", flat=True).get(pk=declaration.pk)
    if version != version_lue:
        declaration.refresh_from_db()
        raise Conflit(DECLARATION_CHANGEE_PAR_L_ARS, actuel=declaration)
    declaration = changer_statut(
        declaration,
        [StatutDeclaration.VALIDEE],
        StatutDeclaration.RENVOYEE,
        motif_renvoi=motif,
        validee_le=None,
        validee_par=None,
        version=version + 1,
    )
    reagreger_apres_validation(declaration)
    transaction.on_commit(lambda: notifier_reouverture(declaration))
    return declaration


def notifier_reouverture(declaration):
    contexte = {"declaration": declaration, "dispositif": declaration.dispositif}
    envoyer("indicateurs/email/reouverture", contexte, membres_actifs(declaration.dispositif.organisme))


def accorder_derogation(*, dispositif, mois, jusqu_au, motif: str, user) -> Derogation:
    """Rouvre un mois verrouillé pour un dispositif jusqu'à une date ; une nouvelle dérogation remplace la
    précédente du même mois."""
    erreurs = {}
    if not motif.strip():
        erreurs["motif"] = ValidationError("Indiquez pourquoi ce mois est rouvert.", code="requis")
    if jusqu_au < calendrier.aujourd_hui():
        erreurs["jusqu_au"] = ValidationError("La date de fin est déjà passée.", code="date_passee")
    if erreurs:
        raise ValidationError(erreurs)
    refuser_si_validee(dispositif, mois)
    derogation, _ = Derogation.objects.update_or_create(
        dispositif=dispositif, mois=mois, defaults={"jusqu_au": jusqu_au, "motif": motif.strip(), "accordee_par": user}
    )
    return derogation


def refuser_si_validee(dispositif, mois):
    """Une dérogation rouvre le temps de déclarer, pas une déclaration validée : l'opérateur ne pourrait toujours
    pas la modifier. La rouvrir retire ses chiffres des agrégats et prévient l'opérateur : c'est un acte à part,
    avec son motif et son verrou optimiste (`rouvrir`, sur la page de la déclaration), jamais l'effet de bord
    d'une dérogation."""
    if Declaration.objects.filter(dispositif=dispositif, mois=mois, statut=StatutDeclaration.VALIDEE).exists():
        message = (
            f"La déclaration de {mois:%m/%Y} est validée : une dérogation ne la rendrait pas modifiable. Rouvrez-la "
            "d'abord depuis sa page (« Rouvrir la déclaration », avec un motif), puis accordez la dérogation."
        )
        raise ValidationError(message, code="declaration_validee")


# Relances --------------------------------------------------------------------------------------------------


def relancer_declarations(*, aujourd_hui: datetime.date | None = None) -> int:
    """Un courriel par organisme, listant ses dispositifs et mois à transmettre ; renvoie le nombre de
    courriels. Chaque (dispositif, mois, moment) est réservé par l'unicité de Relance : deux passages, ou
    deux workers, ne relancent jamais deux fois la même chose."""
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    par_organisme = defaultdict(list)
    for mois, moment in suivi.mois_a_relancer(aujourd_hui):
        for dispositif in suivi.non_transmis(mois, moment):
            par_organisme[dispositif.organisme].append((dispositif, mois, moment))
    return sum(relancer_organisme(organisme, elements) for organisme, elements in par_organisme.items())


@transaction.atomic
def relancer_organisme(organisme, elements) -> int:
    """Réserve les relances puis envoie le courriel ; un envoi qui échoue annule les réservations (le
    passage du lendemain réessaiera)."""
    destinataires = membres_actifs(organisme)
    if not destinataires:
        return 0
    reserves = [
        {
            "dispositif": d,
            "mois": mois,
            "echeance": calendrier.echeance(mois),
            "en_retard": moment == MomentRelance.APRES,
        }
        for d, mois, moment in elements
        if Relance.objects.get_or_create(dispositif=d, mois=mois, moment=moment)[1]
    ]
    if not reserves:
        return 0
    contexte = {"organisme": organisme, "elements": sorted(reserves, key=lambda e: (e["mois"], e["dispositif"].nom))}
    envoyer("indicateurs/email/relance", contexte, destinataires)
    return 1


# Rapports PDF ----------------------------------------------------------------------------------------------
# Un rapport régénéré n'écrase jamais un fichier : le nouveau PDF est écrit sous un nom neuf, puis une nouvelle
# version (VersionRapport) le garde et la ligne du rapport le désigne, dans une même transaction. Les versions
# précédentes restent téléchargeables ; un téléchargement ne lit jamais un fichier à moitié écrit, et un échec
# laisse la version précédente servie.

# Au-delà, une demande restée en attente ou en cours est tenue pour perdue (worker arrêté) et peut être
# relancée ; c'est plus que la limite de durée d'une tâche (CELERY_TASK_TIME_LIMIT, 15 min).
DELAI_DEMANDE_PERDUE = datetime.timedelta(minutes=20)
MOTIF_REGENERATION_REQUIS = "Dites pourquoi ce rapport est régénéré : le motif accompagne la nouvelle version."


@transaction.atomic
def demander_rapport(*, territoire, mois: datetime.date, public: bool, user=None, motif: str = "") -> Rapport:
    """Crée ou reprend le rapport du mois et met sa génération en file, une seule fois : une demande faite
    pendant qu'une autre attend ou tourne ne relance rien. Régénérer un rapport déjà produit exige un motif,
    recopié sur la version produite."""
    if public and territoire.niveau != Niveau.REGION:
        raise ValidationError({"public": ValidationError(MOTIF_PUBLIC_REGIONAL, code="public_regional")})
    if public and not EditionPublique.objects.filter(region=territoire, mois=mois).exists():
        raise ValidationError({"public": ValidationError(motif_non_publie(mois), code="non_publie")})
    motif = motif.strip()
    maintenant = timezone.now()
    rapport, cree = Rapport.objects.get_or_create(
        territoire=territoire, mois=mois, public=public, defaults={"demande_par": user, "motif": motif}
    )
    if not cree:
        # Relue sous verrou : deux demandes simultanées, une seule passe.
        rapport = Rapport.objects.select_for_update().get(pk=rapport.pk)
        if rapport.en_travail and rapport.demande_le >= maintenant - DELAI_DEMANDE_PERDUE:
            return rapport
        if rapport.fichier and not motif:
            raise ValidationError({"motif": ValidationError(MOTIF_REGENERATION_REQUIS, code="requis")})
        rapport.statut, rapport.etape, rapport.erreur = StatutRapport.EN_ATTENTE, "", ""
        rapport.demande_le, rapport.demande_par, rapport.motif = maintenant, user, motif
        rapport.save(update_fields=["statut", "etape", "erreur", "demande_le", "demande_par", "motif"])
    # robust : une file Redis injoignable n'annule pas la demande enregistrée ; elle se relance après
    # DELAI_DEMANDE_PERDUE, et l'erreur est journalisée.
    transaction.on_commit(lambda: tasks.generer_rapport.delay(rapport.pk), robust=True)
    return rapport


def demander_rapports_du_mois(*, mois: datetime.date | None = None) -> int:
    """Beat, le 1er du mois : les rapports internes du mois écoulé pour chaque périmètre actif. Renvoie le nombre
    de rapports demandés. Produits avant l'échéance des déclarations, ils sont provisoires ; finaliser_rapports
    produit les définitifs. La version publique d'une région attend la publication du mois (publier_mois).
    Idempotent : un périmètre qui a déjà son rapport interne du mois est passé."""
    mois = mois or mois_precedent(calendrier.aujourd_hui())
    # Rejoué (beat relancé, worker redémarré) : un rapport déjà demandé pour le mois ne l'est pas une seconde fois.
    deja_demandes = Rapport.objects.filter(mois=mois, public=False).values("territoire")
    territoires = list(perimetres_du_mois().exclude(pk__in=deja_demandes))
    for territoire in territoires:
        demander_rapport(territoire=territoire, mois=mois, public=False, motif="Rapport mensuel du 1er du mois.")
    return len(territoires)


def finaliser_rapports(*, aujourd_hui: datetime.date | None = None) -> int:
    """Beat, chaque jour : le rapport définitif de chaque rapport dont la version servie est provisoire et dont
    l'échéance des déclarations est passée. Idempotent : une fois le définitif servi, plus rien ; une demande en
    cours n'est pas doublée ; un échec se retente le lendemain. Renvoie le nombre de rapports demandés."""
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    # Une version publique provisoire (produite avant les éditions figées) attend que son mois soit publié.
    publie = Exists(EditionPublique.objects.filter(region=OuterRef("territoire"), mois=OuterRef("mois")))
    provisoires = (
        Rapport.objects.alias(publie=publie)
        .filter(provisoire=True, mois__lt=mois_de(aujourd_hui))
        .exclude(public=True, publie=False)
    )
    a_finaliser = [
        rapport
        for rapport in provisoires.select_related("territoire")
        if calendrier.echeance(rapport.mois) < aujourd_hui
    ]
    for rapport in a_finaliser:
        motif = (
            f"Version définitive, après l'échéance des déclarations du {calendrier.echeance(rapport.mois):%d/%m/%Y}."
        )
        demander_rapport(territoire=rapport.territoire, mois=rapport.mois, public=rapport.public, motif=motif)
    return len(a_finaliser)


def perimetres_du_mois():
    """La France, les régions et les départements qui ont au moins un dispositif autorisé ou installé : le rapport
    national (les régions en lignes) suit le même rythme que ceux des régions."""
    actifs = Dispositif.objects.en_service().filter(territoire__chemin__startswith=OuterRef("chemin"))
    niveaux = [Niveau.PAYS, Niveau.REGION, Niveau.DEPARTEMENT]
    return Territoire.objects.filter(niveau__in=niveaux).filter(Exists(actifs))


def generer_rapport(*, rapport: Rapport) -> Rapport:
    """Produit le PDF et le publie d'un coup comme nouvelle version ; en cas d'échec, la version précédente reste
    servie et l'erreur est notée, puis l'exception remonte (la tâche décide de rejouer)."""
    if rapport.deja_genere:
        return rapport
    try:
        noter_etape(rapport, rapports.Etape.DONNEES)
        contexte = rapports.donnees_du_rapport(rapport)
        noter_etape(rapport, rapports.Etape.GRAPHIQUES)
        contexte |= rapports.graphiques_du_rapport(contexte)
        noter_etape(rapport, rapports.Etape.MISE_EN_PAGE)
        pdf = rapports.mettre_en_page(contexte)
        noter_etape(rapport, rapports.Etape.ENREGISTREMENT)
        publier(rapport, pdf, contexte)
    except Exception as erreur:
        noter_echec(rapport, erreur)
        raise
    return rapport


def noter_etape(rapport: Rapport, etape: str):
    """Écrit l'étape tout de suite (hors transaction) pour que la page de suivi la lise pendant le calcul."""
    rapport.statut, rapport.etape = StatutRapport.EN_COURS, etape
    rapport.save(update_fields=["statut", "etape"])


def publier(rapport: Rapport, pdf: bytes, contexte: dict) -> VersionRapport:
    """Écrit le fichier en entier, puis seulement ajoute la version et fait pointer la ligne dessus, d'un coup ;
    le nouveau fichier est effacé si la transaction échoue. Date, provisoire et complétude sont ceux que le PDF
    imprime."""
    champ = Rapport._meta.get_field("fichier")
    nom = champ.storage.save(champ.generate_filename(rapport, rapports.nom_de_fichier(rapport)), ContentFile(pdf))
    servie = {
        "fichier": nom,
        "empreinte": hashlib.sha256(pdf).hexdigest(),
        "taille": len(pdf),
        "genere_le": contexte["genere_le"],
        "provisoire": contexte["provisoire"],
    }
    completude = contexte["completude"]
    try:
        with transaction.atomic():
            verrou = Rapport.objects.select_for_update().get(pk=rapport.pk)  # numérote les versions une à une
            version = VersionRapport.objects.create(
                rapport=rapport,
                numero=(verrou.versions.aggregate(dernier=Max("numero"))["dernier"] or 0) + 1,
                motif=rapport.motif,
                demande_par_id=rapport.demande_par_id,
                declarations_validees=completude.nb_declarations if completude else None,
                declarations_attendues=completude.nb_attendues if completude else None,
                completude=completude.taux if completude else None,
                **servie,
            )
            for nom_champ, valeur in (servie | {"statut": StatutRapport.PRET, "etape": "", "erreur": ""}).items():
                setattr(rapport, nom_champ, valeur)
            rapport.save(update_fields=[*servie, "statut", "etape", "erreur"])
    except Exception:
        effacer(champ.storage, nom)
        raise
    return version


def effacer(stockage, nom: str):
    """Un fichier qui ne s'efface pas (déjà parti, disque en lecture seule) ne masque pas l'erreur d'origine."""
    try:
        stockage.delete(nom)
    except OSError:
        logger.warning("Rapport : le fichier %s n'a pas pu être effacé.", nom, exc_info=True)


def noter_echec(rapport: Rapport, erreur: Exception):
    """Seuls le statut et l'erreur changent : fichier, empreinte et date restent ceux de la version servie."""
    rapport.statut, rapport.etape = StatutRapport.ECHEC, ""
    rapport.erreur = f"{type(erreur).__name__} : {erreur}"[:2000]
    rapport.save(update_fields=["statut", "etape", "erreur"])


# Les champs d'une fiche qui nomment un autre indicateur du catalogue, écrit avant elle.
LIENS = ("numerateur", "denominateur", "total")


@transaction.atomic
def charger_indicateurs(*, modele=Indicateur, modele_type=TypeDispositif) -> int:
    """Crée ou met à jour le catalogue des indicateurs communs (catalogue.CATALOGUE), idempotent ; renvoie leur nombre.
    `modele`, `modele_type` : les modèles historiques quand une migration l'appelle (`apps.get_model`)."""
    types = {t.code: t for t in modele_type.objects.all()}
    champs = {champ.name for champ in modele._meta.get_fields()}
    indicateurs = {}
    for ordre, fiche in enumerate(CATALOGUE, start=1):
        valeurs = {cle: v for cle, v in fiche.items() if cle not in {"code", "types", *LIENS}}
        valeurs.update(
            ordre=ordre * 10,
            **{lien: indicateurs.get(fiche.get(lien)) for lien in LIENS},
        )
        # Une migration ancienne passe un modèle historique qui n'a pas encore tous les champs (total : 0008).
        valeurs = {cle: v for cle, v in valeurs.items() if cle in champs}
        indicateur, _ = modele.objects.update_or_create(code=fiche["code"], defaults=valeurs)
        indicateur.types.set([types[code] for code in fiche["types"] if code in types])
        indicateurs[fiche["code"]] = indicateur
    return len(indicateurs)


# Publication figée des chiffres publics (indicateurs/publication.py) -----------------------------------------


def motif_non_publie(mois: datetime.date) -> str:
    return (
        f"Les chiffres publics de {mois:%m/%Y} ne sont pas encore publiés : un mois se publie une fois verrouillé, "
        f"le {calendrier.date_verrouillage(mois):%d/%m/%Y}."
    )


@transaction.atomic
def publier_mois(*, region: Territoire, mois: datetime.date, aujourd_hui: datetime.date | None = None):
    """Publie les chiffres publics du mois dans la région : la première édition une fois le mois verrouillé, puis
    une révision chaque fois que ses agrégats ont changé (validation tardive sous dérogation), protégée avec les
    éditions précédentes. Rien tant qu'une dérogation rouvre le mois : la révision attend qu'il se referme.
    Renvoie l'édition créée, ou None."""
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    rouvert = Derogation.objects.en_cours(aujourd_hui).filter(
        mois=mois, dispositif__territoire__chemin__startswith=region.chemin
    )
    if not calendrier.verrouille_sans_derogation(mois, aujourd_hui) or rouvert.exists():
        return None
    # Sous verrou : deux publications simultanées du même mois ne font pas deux fois la même révision (la
    # contrainte d'unicité du numéro arrête la seconde si aucune édition n'existait encore).
    precedentes = list(EditionPublique.objects.select_for_update().filter(region=region, mois=mois).order_by("numero"))
    departements = list(Territoire.objects.descendants(region).departements().order_by("code"))
    tableaux = publication.tableaux_du_mois(mois, departements, precedentes)
    if not tableaux or (precedentes and publication.memes_cellules(tableaux, precedentes[-1])):
        return None
    edition = EditionPublique.objects.create(
        region=region, mois=mois, numero=len(precedentes) + 1, publiee_le=timezone.now(), tableaux=tableaux
    )
    transaction.on_commit(agregation.nouvelle_version_des_agregats)  # les tableaux publics en cache sont périmés
    return edition


def publier_mois_clos(*, aujourd_hui: datetime.date | None = None, rapports: bool = True) -> int:
    """Chaque nuit, après le recalcul des agrégats : publie ou révise chaque mois verrouillé des
    INDICATEURS_RECALCUL_MOIS derniers mois (ceux que la nuit recalcule), dans chaque région ; avec `rapports`, la
    version publique du rapport du mois suit chaque édition. Renvoie le nombre d'éditions créées."""
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    publiees = publier_editions(
        regions=Territoire.objects.regions(),
        mois=mois_publiables(aujourd_hui),
        aujourd_hui=aujourd_hui,
        rapports=rapports,
    )
    return sum(edition is not None for *_, edition in publiees)


def mois_publiables(aujourd_hui: datetime.date) -> list[datetime.date]:
    """Les INDICATEURS_RECALCUL_MOIS derniers mois déjà verrouillés, du plus récent au plus ancien."""
    mois = [decaler(mois_de(aujourd_hui), -n) for n in range(1, settings.INDICATEURS_RECALCUL_MOIS + 1)]
    return [m for m in mois if calendrier.verrouille_sans_derogation(m, aujourd_hui)]


def publier_editions(*, regions, mois: list[datetime.date], aujourd_hui: datetime.date, rapports: bool = True):
    """Publie ou révise chacun des `mois` dans chacune des `regions` (publier_mois) : la tâche de nuit et la
    commande publier_editions. Renvoie (région, mois, édition créée ou None) pour chaque couple ; avec `rapports`,
    la version publique du rapport du mois suit chaque édition."""
    publiees = [
        (region, m, publier_mois(region=region, mois=m, aujourd_hui=aujourd_hui)) for region in regions for m in mois
    ]
    for _, _, edition in publiees:
        if edition is not None and rapports:
            motif = f"Édition {edition.numero} des chiffres publics du mois."
            demander_rapport(territoire=edition.region, mois=edition.mois, public=True, motif=motif)
    return publiees
