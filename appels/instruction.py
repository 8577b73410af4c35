"""L'instruction des candidatures par l'ARS (et la DREETS en co-instruction) : avis notés sur la grille,
demandes de complément, décision ; et les lectures partagées par la file, le classement et les exports.

Deux personnes n'écrasent jamais le travail l'une de l'autre : l'avis et la décision portent une version,
relue dans la transaction (verrou optimiste) ; un écart lève `Conflit`, dont le message dit qui a enregistré
quoi entre-temps, et rien n'est écrit.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, JSONField, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from appels.candidatures import Refus, date_limite
from appels.lettre import INDETERMINE
from appels.models import (
    Avis,
    Candidature,
    Decision,
    DemandeComplement,
    Depot,
    NatureDecision,
    StatutCandidature,
)
from comptes.models import Role, Utilisateur
from dispositifs.models import Dispositif, Statut, TypeDispositif
from territoires.models import Territoire

NOTE_MAX = 10
# D'où l'on peut décider : une candidature « à compléter » attend d'abord la réponse de l'opérateur.
DECIDABLES = [
    StatutCandidature.DEPOSEE,
    StatutCandidature.EN_INSTRUCTION,
    StatutCandidature.RETENUE,
    StatutCandidature.NON_RETENUE,
    StatutCandidature.REORIENTEE,
]


@dataclass
class Conflit(Exception):
    """Quelqu'un a enregistré entre l'affichage et l'envoi : rien n'a été écrasé."""

    message: str

    def __str__(self):
        return self.message


# Lectures


def avec_instruction(candidatures):
    """Les candidatures déposées, en une requête : organisme, décision, contenu et numéro du dernier dépôt,
    nombre d'avis complets et moyenne de leurs totaux. La file, le classement, la page d'un dossier et les
    exports la lisent."""
    dernier = Depot.objects.filter(candidature=OuterRef("pk")).order_by("-version")
    complets = Q(avis__complet=True)
    return (
        candidatures.filter(Exists(Depot.objects.filter(candidature=OuterRef("pk"))))
        .defer("brouillon")  # la saisie en cours de l'opérateur : ni lue ni montrée à l'instruction
        .select_related("organisme", "decision__type_propose", "decision__auteur")
        .annotate(
            contenu_depose=Subquery(dernier.values("contenu")[:1], output_field=JSONField()),
            numero_depot=Subquery(dernier.values("numero")[:1]),
            nb_avis=Count("avis", filter=complets),
            moyenne=Avg("avis__total", filter=complets),
        )
    )


def candidatures_instruites(appel):
    return avec_instruction(Candidature.objects.filter(appel=appel)).order_by("organisme__nom", "pk")


def evaluateurs_attendus(appel) -> int:
    """Le « m » de « n/m avis » : les instructeurs actifs de la région, plus ses agents DREETS en co-instruction."""
    roles = [Role.INSTRUCTEUR] + ([Role.DREETS] if appel.co_instruction_dreets else [])
    return Utilisateur.objects.filter(is_active=True, region_id=appel.region_id, role__in=roles).count()


def montant(valeur) -> Decimal | None:
    """Un nombre saisi dans la lettre (« 250000 », « 12.5 »), ou None s'il manque ou ne se lit pas."""
    try:
        return Decimal(str(valeur)) if valeur not in (None, "") else None
    except InvalidOperation:
        return None


@dataclass
class Dossier:
    """Une candidature de la file avec ce que sa dernière lettre déposée demande."""

    candidature: Candidature
    types: dict  # code → TypeDispositif, chargés une fois pour toute la file

    @property
    def lettre(self) -> dict:
        return (self.candidature.contenu_depose or {}).get("lettre", {})

    @property
    def code_type(self) -> str:
        return self.lettre.get("dispositif_envisage") or INDETERMINE

    @property
    def type(self):
        return self.types.get(self.code_type)

    @property
    def territoires(self) -> list[str]:
        return self.lettre.get("territoires") or []

    @property
    def budget_demande(self) -> Decimal | None:
        return montant(self.lettre.get("budget_demande"))

    @property
    def capacite_demandee(self) -> Decimal | None:
        return montant(self.lettre.get("capacite_demandee"))

    @property
    def decision(self) -> Decision | None:
        return getattr(self.candidature, "decision", None)

    @property
    def retenue(self) -> bool:
        return self.decision is not None and self.decision.nature != NatureDecision.NON_RETENUE

    @property
    def type_retenu(self):
        """Le type financé : celui que propose l'ARS quand elle réoriente, sinon celui de la lettre."""
        if self.decision and self.decision.type_propose_id:
            return self.decision.type_propose
        return self.type


def dossiers(appel, types: dict) -> list[Dossier]:
    return [Dossier(candidature, types) for candidature in candidatures_instruites(appel)]


def classement(liste: list[Dossier]) -> list[Dossier]:
    """Par moyenne décroissante (les candidatures sans avis complet à la fin), puis par organisme."""
    return sorted(
        liste,
        key=lambda d: (d.candidature.moyenne is None, -(d.candidature.moyenne or 0), d.candidature.organisme.nom),
    )


@dataclass
class LigneBudget:
    libelle: str
    unite: str = ""
    cout_unitaire: Decimal | None = None
    candidatures: int = 0
    demande: Decimal = Decimal(0)
    capacite_demandee: Decimal = Decimal(0)
    retenues: int = 0
    retenu: Decimal = Decimal(0)
    capacite_retenue: Decimal = Decimal(0)
    financable: int | None = None  # unités que paierait le reste de l'enveloppe au coût de référence


@dataclass
class Budget:
    """Demandé et retenu, par type et par territoire, face à l'enveloppe de l'appel ; recalculé à chaque
    affichage, donc à jour de la dernière décision enregistrée."""

    enveloppe: Decimal | None
    par_type: list[LigneBudget] = field(default_factory=list)
    par_territoire: list[LigneBudget] = field(default_factory=list)
    total: LigneBudget = field(default_factory=lambda: LigneBudget("Total"))

    @property
    def reste(self) -> Decimal | None:
        return None if self.enveloppe is None else self.enveloppe - self.total.retenu

    @property
    def taux_engagement(self) -> Decimal | None:
        if not self.enveloppe:
            return None
        return (self.total.retenu * 100 / self.enveloppe).quantize(Decimal("0.1"))


def budget(appel, liste: list[Dossier], noms_territoires: dict) -> Budget:
    """Une candidature sur plusieurs territoires compte dans « Plusieurs territoires » : les lignes s'additionnent."""
    resultat = Budget(enveloppe=appel.enveloppe)
    par_type, par_territoire = {}, {}
    for dossier in liste:
        type_demande, type_retenu = dossier.type, dossier.type_retenu
        _ajouter_demande(_ligne_type(par_type, type_demande), dossier)
        _ajouter_demande(resultat.total, dossier)
        if len(dossier.territoires) == 1:
            code = dossier.territoires[0]
            territoire = _ligne(par_territoire, code, noms_territoires.get(code, code))
        elif dossier.territoires:
            territoire = _ligne(par_territoire, "~plusieurs", "Plusieurs territoires")
        else:
            territoire = _ligne(par_territoire, "~aucun", "Territoire non précisé")
        _ajouter_demande(territoire, dossier)
        if dossier.retenue:
            for ligne in (_ligne_type(par_type, type_retenu), territoire, resultat.total):
                _ajouter_retenu(ligne, dossier.decision)
    resultat.par_type = sorted(par_type.values(), key=lambda ligne: ligne.libelle)
    for ligne in resultat.par_type:
        if ligne.cout_unitaire and resultat.reste is not None and resultat.reste > 0:
            ligne.financable = int(resultat.reste // ligne.cout_unitaire)
    # Les territoires dans l'ordre des noms, « Plusieurs territoires » et « non précisé » à la fin.
    ordre = sorted(par_territoire, key=lambda cle: (cle.startswith("~"), par_territoire[cle].libelle))
    resultat.par_territoire = [par_territoire[cle] for cle in ordre]
    return resultat


def _ligne(lignes: dict, cle, libelle, **attributs) -> LigneBudget:
    return lignes.setdefault(cle, LigneBudget(libelle, **attributs))


def _ligne_type(lignes: dict, type_) -> LigneBudget:
    if type_ is None:
        return _ligne(lignes, INDETERMINE, "Indéterminé")
    return _ligne(
        lignes, type_.code, type_.sigle, unite=type_.get_unite_display(), cout_unitaire=type_.cout_annuel_unitaire
    )


def _ajouter_demande(ligne: LigneBudget, dossier: Dossier):
    ligne.candidatures += 1
    ligne.demande += dossier.budget_demande or 0
    ligne.capacite_demandee += dossier.capacite_demandee or 0


def _ajouter_retenu(ligne: LigneBudget, decision: Decision):
    ligne.retenues += 1
    ligne.retenu += decision.montant_retenu or 0
    ligne.capacite_retenue += decision.capacite_retenue or 0


# Écritures


def verifier_instruction(candidature):
    """L'instruction commence à la date limite : avant, l'opérateur peut encore déposer une autre version."""
    appel = candidature.appel
    if appel.est_ouvert():
        raise Refus([f"L'appel reçoit des dépôts jusqu'au {date_limite(appel)} : l'instruction commence après."])
    if candidature.statut == StatutCandidature.BROUILLON:
        raise Refus(["Cette candidature n'a pas été déposée : il n'y a rien à instruire."])


def total_sur_100(notes: dict, criteres) -> Decimal | None:
    """Σ note × poids / Σ poids, ramené sur 100 ; None tant qu'un critère n'est pas noté."""
    if not criteres or any(notes.get(str(c.pk)) is None for c in criteres):
        return None
    somme = sum(Decimal(notes[str(c.pk)]) * c.poids for c in criteres)
    return (somme * 10 / sum(c.poids for c in criteres)).quantize(Decimal("0.01"))


def notes_valides(notes: dict, criteres) -> dict:
    """Les notes de la grille de l'appel, entières de 0 à 10 ; une case vide n'est pas une note."""
    valides = {}
    for critere in criteres:
        note = notes.get(str(critere.pk))
        if note in (None, ""):
            continue
        if not isinstance(note, int) or not 0 <= note <= NOTE_MAX:
            raise Refus([f"« {critere.libelle} » : la note va de 0 à {NOTE_MAX}."])
        valides[str(critere.pk)] = note
    return valides


def heure(instant) -> str:
    return timezone.localtime(instant).strftime("%d/%m/%Y à %H h %M")


def euros(valeur) -> str:
    return f"{valeur:,.0f} €".replace(",", "\u202f") if valeur is not None else "non précisé"


def conflit_avis(avis: Avis | None) -> Conflit:
    if avis is None:
        return Conflit("Cet avis n'existe plus : rechargez la page. Rien n'a été enregistré.")
    total = f"{avis.total:.1f}".replace(".", ",") + " / 100" if avis.total is not None else "incomplet"
    commentaire = f"« {avis.commentaire} »" if avis.commentaire else "aucun"
    return Conflit(
        f"Cet avis a été enregistré par {avis.auteur} le {heure(avis.updated_at)} (autre onglet ou autre poste) "
        f"pendant votre saisie : total {total}, commentaire {commentaire}. Rien n'a été écrasé ; vos valeurs "
        "sont ci-dessous, vérifiez puis enregistrez à nouveau pour les garder."
    )


@transaction.atomic
def enregistrer_avis(
    *, candidature, auteur, notes: dict, commentaire: str = "", annotation_privee: str = "", version_lue: int
) -> Avis:
    """Crée ou met à jour l'avis de `auteur`. `version_lue` : la version affichée (0 quand il n'y en avait pas)."""
    verifier_instruction(candidature)
    criteres = list(candidature.appel.criteres.all())
    notes = notes_valides(notes, criteres)
    avis = (
        Avis.objects.select_for_update(of=("self",))
        .select_related("auteur")
        .filter(candidature=candidature, auteur=auteur)
    )
    avis = avis.first()
    if (avis.version if avis else 0) != version_lue:
        raise conflit_avis(avis)
    valeurs = {
        "notes": notes,
        "total": total_sur_100(notes, criteres),
        "complet": len(notes) == len(criteres),
        "commentaire": commentaire.strip(),
        "annotation_privee": annotation_privee.strip(),
    }
    if avis is None:
        try:
            with transaction.atomic():
                avis = Avis.objects.create(candidature=candidature, auteur=auteur, **valeurs)
        except IntegrityError:  # le même évaluateur, au même instant, depuis un autre onglet
            raise conflit_avis(Avis.objects.get(candidature=candidature, auteur=auteur)) from None
    else:
        for nom, valeur in valeurs.items():
            setattr(avis, nom, valeur)
        avis.version += 1
        avis.save()
    Candidature.objects.filter(pk=candidature.pk, statut=StatutCandidature.DEPOSEE).update(
        statut=StatutCandidature.EN_INSTRUCTION
    )
    return avis


def conflit_decision(decision: Decision | None) -> Conflit:
    if decision is None:
        return Conflit("La décision a été retirée entre-temps : rechargez la page. Rien n'a été enregistré.")
    details = [decision.get_nature_display()]
    if decision.type_propose_id:
        details.append(f"type proposé {decision.type_propose.sigle}")
    if decision.montant_retenu is not None:
        details.append(f"montant retenu {euros(decision.montant_retenu)}")
    if decision.motif:
        details.append(f"motif « {decision.motif} »")
    return Conflit(
        f"{decision.auteur} a enregistré une décision le {heure(decision.decide_le)} pendant votre saisie : "
        f"{', '.join(details)}. Rien n'a été écrasé ; vos valeurs sont ci-dessous, vérifiez puis enregistrez "
        "à nouveau pour les garder."
    )


def erreurs_de_decision(*, nature, type_propose, motif) -> list[str]:
    erreurs = []
    if nature not in NatureDecision.values:
        erreurs.append("Choisissez une décision.")
    if nature == NatureDecision.REORIENTEE and type_propose is None:
        erreurs.append("Indiquez le type de dispositif vers lequel le projet est réorienté.")
    if nature in (NatureDecision.NON_RETENUE, NatureDecision.REORIENTEE) and not motif.strip():
        erreurs.append("Donnez le motif : il est communiqué à l'opérateur.")
    return erreurs


@transaction.atomic
def decider(
    *,
    candidature,
    auteur,
    nature: str,
    version_lue: int,
    type_propose=None,
    motif: str = "",
    montant_retenu: Decimal | None = None,
    capacite_retenue: Decimal | None = None,
) -> Decision:
    """Enregistre (ou révise) la décision, passe la candidature au statut correspondant, prévient l'opérateur."""
    verifier_instruction(candidature)
    # of=("self",) : PostgreSQL refuse de verrouiller le côté facultatif (type proposé) d'une jointure externe.
    decision = Decision.objects.select_for_update(of=("self",)).select_related("auteur", "type_propose")
    decision = decision.filter(candidature=candidature).first()
    if (decision.version if decision else 0) != version_lue:
        raise conflit_decision(decision)
    if erreurs := erreurs_de_decision(nature=nature, type_propose=type_propose, motif=motif):
        raise Refus(erreurs)
    changees = Candidature.objects.filter(pk=candidature.pk, statut__in=DECIDABLES).update(statut=nature)
    if not changees:
        raise Refus(["Une demande de complément attend la réponse de l'opérateur : décidez après sa réponse."])
    retenue = nature != NatureDecision.NON_RETENUE
    valeurs = {
        "nature": nature,
        "type_propose": type_propose if nature == NatureDecision.REORIENTEE else None,
        "motif": motif.strip(),
        "montant_retenu": montant_retenu if retenue else None,
        "capacite_retenue": capacite_retenue if retenue else None,
        "auteur": auteur,
        "decide_le": timezone.now(),
    }
    decision = _ecrire_decision(candidature, decision, valeurs)
    lier_projet(decision, candidature)
    candidature.refresh_from_db()
    transaction.on_commit(lambda: envoyer("decision", {"decision": decision}, destinataires_operateur(candidature)))
    return decision


def _ecrire_decision(candidature, decision, valeurs) -> Decision:
    if decision is None:
        try:
            with transaction.atomic():
                return Decision.objects.create(candidature=candidature, **valeurs)
        except IntegrityError:  # une autre personne a décidé au même instant
            raise conflit_decision(Decision.objects.get(candidature=candidature)) from None
    for nom, valeur in valeurs.items():
        setattr(decision, nom, valeur)
    decision.version += 1
    decision.save()
    return decision


@transaction.atomic
def demander_complement(*, candidature, auteur, message: str) -> DemandeComplement:
    """La candidature passe « à compléter » ; les membres de l'organisme reçoivent le message."""
    verifier_instruction(candidature)
    if not message.strip():
        raise Refus(["Écrivez ce qu'il faut compléter."])
    passees = Candidature.objects.filter(
        pk=candidature.pk, statut__in=[StatutCandidature.DEPOSEE, StatutCandidature.EN_INSTRUCTION]
    ).update(statut=StatutCandidature.A_COMPLETER)
    if not passees:
        en_attente = candidature.complements.filter(repondue_le__isnull=True).select_related("auteur").last()
        if en_attente:
            raise Conflit(
                f"{en_attente.auteur} a déjà demandé un complément le {heure(en_attente.demandee_le)} : "
                f"« {en_attente.message} ». Il attend la réponse de l'opérateur ; rien n'a été envoyé de plus."
            )
        statut = Candidature.objects.get(pk=candidature.pk).get_statut_display()
        raise Refus([f"La candidature est « {statut} » : il n'est plus temps de demander un complément."])
    demande = DemandeComplement.objects.create(candidature=candidature, auteur=auteur, message=message.strip())
    candidature.refresh_from_db()
    transaction.on_commit(lambda: envoyer("complement", {"demande": demande}, destinataires_operateur(candidature)))
    return demande


@transaction.atomic
def repondre_complement(*, demande, user, reponse: str, confirmee: bool) -> DemandeComplement:
    """L'opérateur répond et confirme : la candidature revient « en instruction », l'ARS est prévenue."""
    if not reponse.strip():
        raise Refus(["Écrivez votre réponse."])
    if not confirmee:
        raise Refus(["Confirmez que votre réponse complète le dossier : cochez la case."])
    repondue = DemandeComplement.objects.filter(pk=demande.pk, repondue_le__isnull=True).update(
        reponse=reponse.strip(), repondu_par=user, repondue_le=timezone.now(), confirmee=True
    )
    if not repondue:
        raise Refus(["Cette demande a déjà reçu sa réponse : elle ne se modifie plus."])
    Candidature.objects.filter(pk=demande.candidature_id, statut=StatutCandidature.A_COMPLETER).update(
        statut=StatutCandidature.EN_INSTRUCTION
    )
    demande.refresh_from_db()
    if demande.auteur.is_active:
        transaction.on_commit(lambda: envoyer("complement_repondu", {"demande": demande}, [demande.auteur.email]))
    return demande


# Courriels


def destinataires_operateur(candidature) -> list[str]:
    return list(candidature.organisme.membres.filter(is_active=True).values_list("email", flat=True))


def envoyer(nom: str, contexte: dict, destinataires: list[str]):
    if destinataires:
        send_mail(
            render_to_string(f"appels/email/{nom}_subject.txt", contexte).strip(),
            render_to_string(f"appels/email/{nom}_body.txt", contexte),
            None,
            destinataires,
        )


def lier_projet(decision, candidature):
    """Boucler la boucle : une candidature retenue (ou réorientée) devient un dispositif « projet » inscrit à
    l'horizon de l'appel, avec la capacité retenue (à défaut, demandée) ; la colonne « perspectives » du
    tableau de planification bouge. Revenir sur la décision retire le projet tant qu'il n'est pas autorisé.
    """
    projet = decision.dispositif
    retenue = decision.nature in (NatureDecision.RETENUE, NatureDecision.REORIENTEE)
    lettre = candidature.depot_courant.contenu.get("lettre", {}) if candidature.depot_courant else {}
    type_ = decision.type_propose or TypeDispositif.objects.filter(code=lettre.get("dispositif_envisage")).first()
    if not retenue or type_ is None:  # non retenue, ou dispositif « indéterminé » sans réorientation
        if projet is not None and projet.statut == Statut.PROJET:
            Decision.objects.filter(pk=decision.pk).update(dispositif=None)
            projet.delete()
        return
    appel = candidature.appel
    valeurs = {
        "nom": f"{type_.sigle} — {candidature.organisme.nom}",
        "type": type_,
        "organisme": candidature.organisme,
        "territoire": territoire_du_projet(appel, lettre.get("territoires", [])),
        "statut": Statut.PROJET,
        "horizon": appel.horizon,
        "capacite_prevue": decision.capacite_retenue or lettre.get("capacite_demandee") or None,
        "note": f"Retenu à l'appel « {appel.titre} » ({candidature.depot_courant.numero}).",
    }
    if projet is None:
        projet = Dispositif.objects.create(**valeurs)
        Decision.objects.filter(pk=decision.pk).update(dispositif=projet)
        decision.dispositif = projet
    elif projet.statut == Statut.PROJET:
        Dispositif.objects.filter(pk=projet.pk).update(**valeurs)


def territoire_du_projet(appel, codes):
    """Le territoire visé s'il n'y en a qu'un, sinon la région : on n'invente pas de répartition."""
    territoires = list(Territoire.objects.descendants(appel.region, inclus=True).filter(code__in=codes)[:2])
    return territoires[0] if len(territoires) == 1 else appel.region
