"""Tous les changements d'état des indicateurs : la vie d'une déclaration mensuelle (saisie, transmission,
validation, renvoi), les dérogations, les relances et les rapports PDF (demande, génération, publication).

Chaque changement d'état vérifie l'état de départ sur la ligne verrouillée et s'écrit par save()
(commun.transitions.passer), pour que le journal d'audit le voie : deux clics ne valident jamais deux fois. Un refus
est une ValidationError (message en français, `code` stable, par code d'indicateur ou par champ) ; une
modification concurrente, un commun.erreurs.Conflit.
"""

import datetime
import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commun.erreurs import Conflit
from commun.mois import mois_precedent
from commun.notifications import envoyer, membres_actifs
from commun.transitions import passer
from dispositifs.models import Dispositif, TypeDispositif
from indicateurs import calendrier, rapports, suivi, tasks
from indicateurs.catalogue import CATALOGUE
from indicateurs.models import (
    EN_TRAVAIL,
    MODIFIABLES,
    MOTIF_PUBLIC_REGIONAL,
    Declaration,
    Derogation,
    Indicateur,
    MomentRelance,
    NatureValeur,
    Rapport,
    Relance,
    StatutDeclaration,
    StatutRapport,
    Valeur,
)
from indicateurs.regles import erreurs_de_coherence, valeurs_inhabituelles
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
    passer(Declaration.objects.filter(pk=declaration.pk), version=declaration.version + 1)  # ligne déjà verrouillée
    declaration.refresh_from_db()
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
    """Toutes les erreurs de la saisie à la fois, par code d'indicateur : indicateur d'un autre type,
    incohérences, nature, valeurs inhabituelles sans commentaire."""
    erreurs = {
        code: ValidationError("Cet indicateur ne concerne pas ce type de dispositif.", code="hors_type")
        for code in valeurs
        if code not in attendus
    }
    erreurs |= {code: ValidationError(m, code="incoherente") for code, m in erreurs_de_coherence(valeurs).items()}
    erreurs |= {
        code: ValidationError(f"{attendus[code].libelle} : un nombre entier est attendu.", code="entier_attendu")
        for code, valeur in valeurs.items()
        if code in attendus
        and valeur is not None
        and attendus[code].nature_valeur == NatureValeur.ENTIER
        and valeur % 1
    }
    alertes = valeurs_inhabituelles(valeurs, Valeur.objects.historique(dispositif, mois))
    erreurs |= {
        code: ValidationError(message, code="inhabituelle")
        for code, message in alertes.items()
        if not commentaires.get(code)
    }
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def enregistrer_et_transmettre(**arguments) -> Declaration:
    """Le bouton « Transmettre à l'ARS » : enregistre ce qui est saisi puis transmet, tout ou rien."""
    return transmettre(declaration=enregistrer_declaration(**arguments), aujourd_hui=arguments.get("aujourd_hui"))


def changer_statut(declaration, depuis, vers, **champs) -> Declaration:
    """Le filtre porte l'état attendu : si la déclaration a changé entre-temps, rien n'est écrit."""
    changee = passer(Declaration.objects.filter(pk=declaration.pk, statut__in=depuis), statut=vers, **champs)
    declaration.refresh_from_db()
    if changee is None:
        message = f"Déclaration déjà « {declaration.get_statut_display().lower()} »."
        raise ValidationError(message, code="statut_change")
    return declaration


def transmettre(*, declaration, aujourd_hui: datetime.date | None = None) -> Declaration:
    refuser_si_ferme(declaration.mois, declaration.dispositif, aujourd_hui)
    if not declaration.valeurs.exists():
        raise ValidationError("Aucune valeur saisie : rien à transmettre.", code="sans_valeur")
    return changer_statut(declaration, MODIFIABLES, StatutDeclaration.TRANSMISE, transmise_le=timezone.now())


def valider(*, declaration, user) -> Declaration:
    declaration = changer_statut(
        declaration,
        [StatutDeclaration.TRANSMISE],
        StatutDeclaration.VALIDEE,
        validee_le=timezone.now(),
        validee_par=user,
    )
    # Le worker recalcule ce que cette validation change, une fois la validation enregistrée.
    dispositif, mois = declaration.dispositif, declaration.mois.isoformat()
    transaction.on_commit(lambda: tasks.agreger_mois.delay(dispositif.type_id, mois, dispositif.territoire_id))
    return declaration


@transaction.atomic
def renvoyer(*, declaration, motif: str) -> Declaration:
    """Renvoie la déclaration à l'opérateur avec ce qu'il doit corriger ; il en est averti par courriel."""
    if not motif.strip():
        raise ValidationError({"motif": ValidationError("Dites à l'opérateur ce qu'il doit corriger.", code="requis")})
    declaration = changer_statut(
        declaration, [StatutDeclaration.TRANSMISE], StatutDeclaration.RENVOYEE, motif_renvoi=motif.strip()
    )
    transaction.on_commit(lambda: notifier_renvoi(declaration))
    return declaration


def notifier_renvoi(declaration):
    """Courriel aux comptes actifs de l'organisme du dispositif : ce qu'il doit corriger."""
    contexte = {"declaration": declaration, "dispositif": declaration.dispositif}
    envoyer("indicateurs/email/renvoi", contexte, membres_actifs(declaration.dispositif.organisme))


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
    derogation, _ = Derogation.objects.update_or_create(
        dispositif=dispositif, mois=mois, defaults={"jusqu_au": jusqu_au, "motif": motif.strip(), "accordee_par": user}
    )
    return derogation


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
# Un rapport régénéré n'écrase jamais le fichier servi : le nouveau PDF est écrit sous un nom neuf, la ligne le
# désigne d'un seul enregistrement, et l'ancien fichier n'est effacé qu'une fois ce changement validé. Un
# téléchargement ne lit donc jamais un fichier à moitié écrit, et un échec laisse le précédent rapport disponible.

# Au-delà, une demande restée en attente ou en cours est tenue pour perdue (worker arrêté) et peut être
# relancée ; c'est plus que la limite de durée d'une tâche (CELERY_TASK_TIME_LIMIT, 15 min).
DELAI_DEMANDE_PERDUE = datetime.timedelta(minutes=20)


@transaction.atomic
def demander_rapport(*, territoire, mois: datetime.date, public: bool, user=None) -> Rapport:
    """Crée ou reprend le rapport du mois et met sa génération en file, une seule fois : une demande faite
    pendant qu'une autre attend ou tourne ne relance rien."""
    if public and territoire.niveau != Niveau.REGION:
        raise ValidationError({"public": ValidationError(MOTIF_PUBLIC_REGIONAL, code="public_regional")})
    maintenant = timezone.now()
    rapport, cree = Rapport.objects.get_or_create(
        territoire=territoire, mois=mois, public=public, defaults={"demande_par": user}
    )
    if not cree:
        # Le filtre porte l'état attendu : deux demandes simultanées, une seule passe.
        libre = ~Q(statut__in=EN_TRAVAIL) | Q(demande_le__lt=maintenant - DELAI_DEMANDE_PERDUE)
        reprise = passer(
            Rapport.objects.filter(libre, pk=rapport.pk),
            statut=StatutRapport.EN_ATTENTE,
            etape="",
            erreur="",
            demande_le=maintenant,
            demande_par=user,
        )
        rapport.refresh_from_db()
        if reprise is None:
            return rapport
    # robust : une file Redis injoignable n'annule pas la demande enregistrée ; elle se relance après
    # DELAI_DEMANDE_PERDUE, et l'erreur est journalisée.
    transaction.on_commit(lambda: tasks.generer_rapport.delay(rapport.pk), robust=True)
    return rapport


def demander_rapports_du_mois(*, mois: datetime.date | None = None) -> int:
    """Beat, le 1er du mois : les rapports du mois écoulé pour chaque périmètre actif, en version interne, plus
    la version publique de chaque région. Renvoie le nombre de rapports demandés."""
    mois = mois or mois_precedent(calendrier.aujourd_hui())
    demandes = [
        (territoire, public)
        for territoire in perimetres_du_mois()
        for public in ((False, True) if territoire.niveau == Niveau.REGION else (False,))
    ]
    for territoire, public in demandes:
        demander_rapport(territoire=territoire, mois=mois, public=public)
    return len(demandes)


def perimetres_du_mois():
    """Les régions et départements qui ont au moins un dispositif autorisé ou installé."""
    actifs = Dispositif.objects.en_service().filter(territoire__chemin__startswith=OuterRef("chemin"))
    return Territoire.objects.filter(niveau__in=[Niveau.REGION, Niveau.DEPARTEMENT]).filter(Exists(actifs))


def generer_rapport(*, rapport: Rapport) -> Rapport:
    """Produit le PDF et le publie d'un coup ; en cas d'échec, le rapport précédent reste servi et l'erreur est
    notée, puis l'exception remonte (la tâche décide de rejouer)."""
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
        publier(rapport, pdf)
    except Exception as erreur:
        noter_echec(rapport, erreur)
        raise
    return rapport


def noter_etape(rapport: Rapport, etape: str):
    """Écrit l'étape tout de suite (hors transaction) pour que la page de suivi la lise pendant le calcul."""
    passer(Rapport.objects.filter(pk=rapport.pk), statut=StatutRapport.EN_COURS, etape=etape)
    rapport.statut, rapport.etape = StatutRapport.EN_COURS, etape


def publier(rapport: Rapport, pdf: bytes):
    """Écrit le fichier en entier, puis seulement fait pointer la ligne dessus ; l'ancien fichier est effacé
    après la validation, le nouveau l'est si la ligne n'a pas pu changer."""
    champ = Rapport._meta.get_field("fichier")
    stockage = champ.storage
    nom = stockage.save(champ.generate_filename(rapport, rapports.nom_de_fichier(rapport)), ContentFile(pdf))
    valeurs = {
        "fichier": nom,
        "empreinte": hashlib.sha256(pdf).hexdigest(),
        "taille": len(pdf),
        "genere_le": timezone.now(),
        "statut": StatutRapport.PRET,
        "etape": "",
        "erreur": "",
    }
    try:
        with transaction.atomic():
            ancien = Rapport.objects.select_for_update().values_list("fichier", flat=True).get(pk=rapport.pk)
            passer(Rapport.objects.filter(pk=rapport.pk), **valeurs)
            if ancien and ancien != nom:
                transaction.on_commit(lambda: effacer(stockage, ancien))
    except Exception:
        effacer(stockage, nom)
        raise
    for champ_nom, valeur in valeurs.items():
        setattr(rapport, champ_nom, valeur)


def effacer(stockage, nom: str):
    """Un fichier qui ne s'efface pas (déjà parti, disque en lecture seule) n'empêche pas le rapport d'être prêt."""
    try:
        stockage.delete(nom)
    except OSError:
        logger.warning("Rapport : l'ancien fichier %s n'a pas pu être effacé.", nom, exc_info=True)


def noter_echec(rapport: Rapport, erreur: Exception):
    """Seuls le statut et l'erreur changent : fichier, empreinte et date restent ceux du dernier bon rapport."""
    message = f"{type(erreur).__name__} : {erreur}"[:2000]
    passer(Rapport.objects.filter(pk=rapport.pk), statut=StatutRapport.ECHEC, etape="", erreur=message)
    rapport.statut, rapport.etape, rapport.erreur = StatutRapport.ECHEC, "", message


@transaction.atomic
def charger_indicateurs(*, modele=Indicateur, modele_type=TypeDispositif) -> int:
    """Crée ou met à jour le catalogue des indicateurs communs (catalogue.CATALOGUE), idempotent ; renvoie leur nombre.
    `modele`, `modele_type` : les modèles historiques quand une migration l'appelle (`apps.get_model`)."""
    types = {t.code: t for t in modele_type.objects.all()}
    indicateurs = {}
    for ordre, fiche in enumerate(CATALOGUE, start=1):
        valeurs = {cle: v for cle, v in fiche.items() if cle not in {"code", "types", "numerateur", "denominateur"}}
        valeurs.update(
            ordre=ordre * 10,
            numerateur=indicateurs.get(fiche.get("numerateur")),
            denominateur=indicateurs.get(fiche.get("denominateur")),
        )
        indicateur, _ = modele.objects.update_or_create(code=fiche["code"], defaults=valeurs)
        indicateur.types.set([types[code] for code in fiche["types"] if code in types])
        indicateurs[fiche["code"]] = indicateur
    return len(indicateurs)
