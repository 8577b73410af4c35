"""Les écritures de l'instruction par l'ARS (et la DREETS en co-instruction) : avis notés sur la grille,
demandes de complément et réponses, décisions ; une candidature retenue devient un projet du tableau de
planification.

Deux personnes n'écrasent jamais le travail l'une de l'autre : l'avis et la décision portent une version,
relue dans la transaction (verrou optimiste) ; un écart lève `Conflit`, dont le message dit qui a enregistré
quoi entre-temps, et rien n'est écrit.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appels.models import (
    NOTE_MAX,
    STATUTS_DECIDABLES,
    STATUTS_EN_COURS,
    Avis,
    Candidature,
    Decision,
    DemandeComplement,
    NatureDecision,
    StatutCandidature,
)
from commun import notifications
from commun.erreurs import Conflit
from commun.transitions import passer
from config.policy import Regle, autorise
from dispositifs.models import Dispositif, Statut, TypeDispositif


def verifier_instruction(candidature):
    """L'instruction commence à la date limite : avant, l'opérateur peut encore déposer une autre version."""
    appel = candidature.appel
    if appel.est_ouvert:
        message = f"L'appel reçoit des dépôts jusqu'au {appel.date_limite_lisible} : l'instruction commence après."
        raise ValidationError(message, code="avant_la_date_limite")
    if candidature.statut == StatutCandidature.BROUILLON:
        raise ValidationError("Cette candidature n'a pas été déposée : il n'y a rien à instruire.", code="non_deposee")


def _notes_valides(notes: dict, criteres) -> dict:
    """Les notes de la grille de l'appel, entières de 0 à 10 ; une case vide n'est pas une note."""
    valides = {}
    for critere in criteres:
        note = notes.get(str(critere.pk))
        if note in (None, ""):
            continue
        if not isinstance(note, int) or not 0 <= note <= NOTE_MAX:
            message = f"« {critere.libelle} » : la note va de 0 à {NOTE_MAX}."
            raise ValidationError({f"note_{critere.pk}": ValidationError(message, code="hors_grille")})
        valides[str(critere.pk)] = note
    return valides


def conflit_avis(avis: Avis | None) -> Conflit:
    if avis is None:
        return Conflit("Cet avis n'existe plus : rechargez la page. Rien n'a été enregistré.")
    commentaire = f"« {avis.commentaire} »" if avis.commentaire else "aucun"
    return Conflit(
        f"Cet avis a été enregistré par {avis.evaluateur} le {avis.heure_lisible} (autre onglet ou autre poste) "
        f"pendant votre saisie : total {avis.total_lisible}, commentaire {commentaire}. Rien n'a été écrasé ; vos "
        "valeurs sont ci-dessous, vérifiez puis enregistrez à nouveau pour les garder.",
        actuel=avis,
    )


@transaction.atomic
def enregistrer_avis(
    *, candidature, user, notes: dict, commentaire: str = "", annotation_privee: str = "", version_lue: int
) -> Avis:
    """Crée ou met à jour l'avis de `user`. `version_lue` : la version affichée (0 quand il n'y en avait pas)."""
    verifier_instruction(candidature)
    criteres = list(candidature.appel.criteres.all())
    notes = _notes_valides(notes, criteres)
    avis = Avis.objects.select_for_update(of=("self",)).select_related("evaluateur")
    avis = avis.filter(candidature=candidature, evaluateur=user).first()
    if (avis.version if avis else 0) != version_lue:
        raise conflit_avis(avis)
    valeurs = {
        "notes": notes,
        "total": Avis.total_sur_100(notes, criteres),
        "complet": len(notes) == len(criteres),
        "commentaire": commentaire.strip(),
        "annotation_privee": annotation_privee.strip(),
    }
    avis = _ecrire(Avis, avis, valeurs, candidature=candidature, evaluateur=user, conflit=conflit_avis)
    passer(
        Candidature.objects.filter(pk=candidature.pk, statut=StatutCandidature.DEPOSEE),
        statut=StatutCandidature.EN_INSTRUCTION,
    )
    return avis


def _ecrire(modele, actuel, valeurs: dict, *, conflit, **cle):
    """Crée la ligne (`cle` la désigne) ou met à jour `actuel` et monte sa version. Deux créations au même
    instant (deux onglets, deux personnes) : la seconde lève le conflit de la première."""
    if actuel is None:
        try:
            with transaction.atomic():
                return modele.objects.create(**cle, **valeurs)
        except IntegrityError:
            raise conflit(modele.objects.get(**cle)) from None
    for nom, valeur in valeurs.items():
        setattr(actuel, nom, valeur)
    actuel.version += 1
    actuel.save()
    return actuel


def conflit_decision(decision: Decision | None) -> Conflit:
    if decision is None:
        return Conflit("La décision a été retirée entre-temps : rechargez la page. Rien n'a été enregistré.")
    return Conflit(
        f"{decision.decide_par} a enregistré une décision le {decision.heure_lisible} pendant votre saisie : "
        f"{decision.resume}. Rien n'a été écrasé ; vos valeurs sont ci-dessous, vérifiez puis enregistrez "
        "à nouveau pour les garder.",
        actuel=decision,
    )


MESSAGE_DECISION_ARS = "La décision de financement revient à l'ARS : la DREETS co-instruit par ses avis."


@transaction.atomic
def decider(
    *,
    candidature,
    user,
    nature: str,
    version_lue: int,
    type_propose=None,
    motif: str = "",
    montant_retenu: Decimal | None = None,
    capacite_retenue: Decimal | None = None,
) -> Decision:
    """Enregistre (ou révise) la décision, passe la candidature au statut correspondant, prévient l'opérateur.
    Seule l'ARS décide (config.policy, Regle.DECIDER) : vérifié ici aussi, pour tout appelant (page, API, tâche)."""
    if not autorise(user, Regle.DECIDER):
        raise PermissionDenied(MESSAGE_DECISION_ARS)
    verifier_instruction(candidature)
    # of=("self",) : PostgreSQL refuse de verrouiller le côté facultatif (type proposé) d'une jointure externe.
    decision = Decision.objects.select_for_update(of=("self",)).select_related("decide_par", "type_propose")
    decision = decision.filter(candidature=candidature).first()
    if (decision.version if decision else 0) != version_lue:
        raise conflit_decision(decision)
    Decision.verifier(nature=nature, type_propose=type_propose, motif=motif)
    if passer(Candidature.objects.filter(pk=candidature.pk, statut__in=STATUTS_DECIDABLES), statut=nature) is None:
        message = "Une demande de complément attend la réponse de l'opérateur : décidez après sa réponse."
        raise ValidationError(message, code="complement_en_attente")
    retenue = nature != NatureDecision.NON_RETENUE
    valeurs = {
        "nature": nature,
        "type_propose": type_propose if nature == NatureDecision.REORIENTEE else None,
        "motif": motif.strip(),
        "montant_retenu": montant_retenu if retenue else None,
        "capacite_retenue": capacite_retenue if retenue else None,
        "decide_par": user,
        "decide_le": timezone.now(),
    }
    decision = _ecrire(Decision, decision, valeurs, candidature=candidature, conflit=conflit_decision)
    lier_projet(decision, candidature)
    candidature.refresh_from_db()
    _prevenir_l_operateur("decision", decision.pk)
    return decision


@transaction.atomic
def demander_complement(*, candidature, user, message: str) -> DemandeComplement:
    """La candidature passe « à compléter » ; les membres de l'organisme reçoivent le message."""
    verifier_instruction(candidature)
    if not message.strip():
        raise ValidationError({"message": ValidationError("Écrivez ce qu'il faut compléter.", code="requis")})
    passee = passer(
        Candidature.objects.filter(pk=candidature.pk, statut__in=STATUTS_EN_COURS),
        statut=StatutCandidature.A_COMPLETER,
    )
    if passee is None:
        raise _complement_refuse(candidature)
    demande = DemandeComplement.objects.create(candidature=candidature, demandee_par=user, message=message.strip())
    candidature.refresh_from_db()
    _prevenir_l_operateur("complement", demande.pk)
    return demande


def _complement_refuse(candidature) -> Conflit | ValidationError:
    """Une demande attend déjà sa réponse (envoyée par un collègue entre-temps), ou il est trop tard."""
    en_attente = candidature.complements.en_attente().select_related("demandee_par").last()
    if en_attente:
        return Conflit(
            f"{en_attente.demandee_par} a déjà demandé un complément le {en_attente.heure_lisible} : "
            f"« {en_attente.message} ». Il attend la réponse de l'opérateur ; rien n'a été envoyé de plus.",
            actuel=en_attente,
        )
    statut = Candidature.objects.get(pk=candidature.pk).get_statut_display()
    message = f"La candidature est « {statut} » : il n'est plus temps de demander un complément."
    return ValidationError(message, code="trop_tard")


@transaction.atomic
def repondre_complement(*, demande, user, reponse: str, confirmee: bool) -> DemandeComplement:
    """L'opérateur répond et confirme : la candidature revient « en instruction », l'ARS est prévenue."""
    if not reponse.strip():
        raise ValidationError({"reponse": ValidationError("Écrivez votre réponse.", code="requis")})
    if not confirmee:
        message = "Confirmez que votre réponse complète le dossier : cochez la case."
        raise ValidationError({"confirmee": ValidationError(message, code="requis")})
    repondue = passer(
        DemandeComplement.objects.filter(pk=demande.pk, repondue_le__isnull=True),
        reponse=reponse.strip(),
        repondu_par=user,
        repondue_le=timezone.now(),
        confirmee=True,
    )
    if repondue is None:
        raise ValidationError("Cette demande a déjà reçu sa réponse : elle ne se modifie plus.", code="deja_repondue")
    passer(
        Candidature.objects.filter(pk=demande.candidature_id, statut=StatutCandidature.A_COMPLETER),
        statut=StatutCandidature.EN_INSTRUCTION,
    )
    demande.refresh_from_db()
    if demande.demandee_par.is_active:
        contexte, destinataires = {"demande": demande}, [demande.demandee_par.email]
        transaction.on_commit(
            lambda: notifications.envoyer("appels/email/complement_repondu", contexte, destinataires)
        )
    return demande


def _prevenir_l_operateur(courriel: str, pk: int):
    """Le courriel est confié au worker après la validation de la transaction : jamais pour une écriture
    annulée, et un serveur de courriel en panne ne change pas en erreur une décision déjà enregistrée (le
    worker reprend l'envoi ; robust : exécutée sur place, sans Redis, la tâche qui échoue est seulement notée)."""
    from appels.tasks import prevenir_l_operateur  # les tâches appellent ces services : importée à l'usage

    transaction.on_commit(lambda: prevenir_l_operateur.delay(courriel, pk), robust=True)


def envoyer_a_l_operateur(*, courriel: str, pk: int):
    """Le courriel d'une décision (« decision ») ou d'une demande de complément (« complement ») aux membres
    actifs de l'organisme, tel que la décision ou la demande est au moment de l'envoi."""
    modele = {"decision": Decision, "complement": DemandeComplement}[courriel]
    objet = modele.objects.select_related("candidature__organisme", "candidature__appel").get(pk=pk)
    contexte = {"decision" if courriel == "decision" else "demande": objet}
    destinataires = notifications.membres_actifs(objet.candidature.organisme)
    notifications.envoyer(f"appels/email/{courriel}", contexte, destinataires)


def lier_projet(decision, candidature):
    """Boucler la boucle : une candidature retenue (ou réorientée) devient un dispositif « projet » inscrit à
    l'horizon de l'appel, avec la capacité retenue (à défaut, demandée) ; la colonne « perspectives » du
    tableau de planification bouge. Revenir sur la décision retire le projet tant qu'il n'est pas autorisé.
    """
    depot = candidature.depot_courant
    lettre = depot.lettre if depot else {}
    type_ = decision.type_propose or TypeDispositif.objects.filter(code=lettre.get("dispositif_envisage")).first()
    retenue = decision.nature in (NatureDecision.RETENUE, NatureDecision.REORIENTEE)
    if not retenue or type_ is None:  # non retenue, ou dispositif « indéterminé » sans réorientation
        _retirer_projet(decision)
        return
    appel = candidature.appel
    valeurs = {
        "nom": f"{type_.sigle} — {candidature.organisme.nom}",
        "type": type_,
        "organisme": candidature.organisme,
        "territoire": appel.territoire_du_projet(lettre.get("territoires", [])),
        "statut": Statut.PROJET,
        "horizon": appel.horizon,
        "capacite_prevue": decision.capacite_retenue or lettre.get("capacite_demandee") or None,
        "note": f"Retenu à l'appel « {appel.titre} » ({depot.numero}).",
    }
    if decision.dispositif is None:
        decision.dispositif = Dispositif.objects.create(**valeurs)
        decision.save(update_fields=["dispositif"])  # save() et non update() : le journal voit le lien
    elif decision.dispositif.statut == Statut.PROJET:
        passer(Dispositif.objects.filter(pk=decision.dispositif_id, statut=Statut.PROJET), **valeurs)


def _retirer_projet(decision):
    projet = decision.dispositif
    if projet is not None and projet.statut == Statut.PROJET:
        decision.dispositif = None
        decision.save(update_fields=["dispositif"])
        projet.delete()
