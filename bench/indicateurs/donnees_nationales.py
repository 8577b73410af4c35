"""Le jeu de données synthétique national de `make bench` : écrit par COPY (psycopg 3), jamais par l'ORM ligne à
ligne, pour tenir en quelques minutes avec des millions de valeurs.

Tout est fictif et marqué comme tel : les territoires sont les vrais (importer_territoires), les types et les
indicateurs ceux du catalogue migré ; les dispositifs, installés, se répartissent entre départements au prorata
de la population (sur leurs territoires de santé quand il y en a), leurs types selon des poids plausibles ; leurs
déclarations mensuelles sont toutes validées et cohérentes (nouvelles personnes ≤ file active, journées
réalisées ≤ journées théoriques).
"""

import calendar
import datetime
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from commun.mois import decaler
from dispositifs.models import Dispositif, EvenementCapacite, Nature, Organisme, Statut, TypeDispositif
from indicateurs.catalogue import AVEC_PLACES
from indicateurs.models import Declaration, Indicateur, StatutDeclaration, Valeur
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires

# Part de chaque type dans les dispositifs installés (d'après l'ordre de grandeur national : beaucoup de PASS,
# de LHSS, d'ACT et d'EMPP, peu d'ACT pédiatriques) ; un type absent de cette table pèse 3.
POIDS_DES_TYPES = {
    "PASS": 20,
    "LHSS": 14,
    "ACT": 13,
    "EMPP": 12,
    "LAM": 8,
    "LHSS-MOBILE": 6,
    "EMSP": 5,
    "PASS-MOBILE": 5,
    "ACT-HLM": 5,
    "LHSS-AJ": 4,
    "SSIAD-PRECARITE": 4,
    "ACT-PEDIATRIQUE": 2,
}
DISPOSITIFS_PAR_ORGANISME = 5
DEBUT_DES_AUTORISATIONS = datetime.date(2010, 1, 1)


@dataclass
class Profil:
    """La taille d'un dispositif, tirée une fois : ses valeurs mensuelles varient autour."""

    places: int  # 0 pour une équipe mobile ou une PASS
    file_active: int
    etp: float


@dataclass
class Jeu:
    dispositifs: int
    organismes: int
    declarations: int
    valeurs: int
    debut: datetime.date
    fin: datetime.date
    secondes: dict


def generer(*, nb_dispositifs: int, nb_mois: int, graine: int, dire) -> Jeu:
    """Écrit le jeu de données des `nb_mois` mois finis qui précèdent le mois en cours ; renvoie ce qui a été écrit."""
    hasard = random.Random(graine)
    fin = timezone.localdate().replace(day=1)
    debut = decaler(fin, -nb_mois)
    mois = [decaler(debut, rang) for rang in range(nb_mois)]
    secondes = {}
    with Chrono(secondes, "territoires"):
        importer_territoires()
    with transaction.atomic(), sans_controle_ligne_a_ligne():
        with Chrono(secondes, "dispositifs"):
            dispositifs, nb_organismes = ecrire_dispositifs(nb_dispositifs, hasard)
        dire(
            f"Territoires et {len(dispositifs)} dispositifs écrits ; déclarations de {debut:%m/%Y} à {mois[-1]:%m/%Y}…"
        )
        with Chrono(secondes, "declarations"):
            premier = ecrire_declarations(dispositifs, mois)
        dire(f"{len(dispositifs) * nb_mois} déclarations écrites en {secondes['declarations']} s ; leurs valeurs…")
        with Chrono(secondes, "valeurs"):
            nb_valeurs = ecrire_valeurs(dispositifs, mois, premier, hasard)
        dire(f"{nb_valeurs} valeurs écrites en {secondes['valeurs']} s ; contrôle des références…")
        with Chrono(secondes, "references"):
            verifier_references([Organisme, Dispositif, EvenementCapacite, Declaration, Valeur])
        avant_commit = time.perf_counter()
    secondes["commit"] = round(time.perf_counter() - avant_commit, 1)
    dire(
        f"Références vérifiées en {secondes['references']} s, transaction validée en {secondes['commit']} s ; ANALYZE…"
    )
    with Chrono(secondes, "analyze"), connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    return Jeu(len(dispositifs), nb_organismes, len(dispositifs) * nb_mois, nb_valeurs, debut, fin, secondes)


class Chrono:
    """Range dans `secondes[nom]` la durée du bloc, arrondie au dixième."""

    def __init__(self, secondes: dict, nom: str):
        self.secondes, self.nom = secondes, nom

    def __enter__(self):
        self.debut = time.perf_counter()

    def __exit__(self, *erreur):
        self.secondes[self.nom] = round(time.perf_counter() - self.debut, 1)


# Écriture par COPY -----------------------------------------------------------------------------------------


@contextmanager
def sans_controle_ligne_a_ligne():
    """Les clés étrangères de Django sont vérifiées en fin de transaction, une recherche d'index par ligne : plus
    d'une minute pour 6 millions de valeurs. Un superutilisateur peut les suspendre le temps de la transaction
    (session_replication_role) ; verifier_references les contrôle ensuite en bloc, en quelques secondes."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if curseur.fetchone()[0]:
            curseur.execute("SET LOCAL session_replication_role = replica")
    yield


def verifier_references(modeles):
    """Chaque clé étrangère écrite désigne une ligne qui existe (anti-jointure par table) ; sinon, arrêt."""
    nom = connection.ops.quote_name
    with connection.cursor() as curseur:
        for modele in modeles:
            for champ in modele._meta.concrete_fields:
                if not champ.many_to_one:
                    continue
                cible = champ.related_model._meta
                curseur.execute(
                    f"SELECT COUNT(*) FROM {nom(modele._meta.db_table)} t WHERE t.{nom(champ.column)} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {nom(cible.db_table)} r WHERE r.{nom(cible.pk.column)} = "
                    f"t.{nom(champ.column)})"
                )
                if orphelines := curseur.fetchone()[0]:
                    raise ValueError(f"{modele.__name__}.{champ.name} : {orphelines} références vers rien.")


def copier(modele, champs: list[str], lignes):
    """COPY de `lignes` (tuples dans l'ordre de `champs`) dans la table de `modele` ; les autres colonnes non
    nulles reçoivent leur valeur par défaut (chaîne vide, date du jour…) : le générateur ne casse pas quand un
    champ facultatif est ajouté au modèle. Renvoie le nombre de lignes écrites."""
    autres = [
        f
        for f in modele._meta.concrete_fields
        if not f.primary_key and f.attname not in champs and f.name not in champs and not f.null
    ]
    constantes = tuple(valeur_par_defaut(f) for f in autres)
    colonnes = [modele._meta.get_field(nom).column for nom in champs] + [f.column for f in autres]
    liste = ", ".join(connection.ops.quote_name(colonne) for colonne in colonnes)
    nombre = 0
    with connection.cursor() as curseur:
        with curseur.copy(f"COPY {connection.ops.quote_name(modele._meta.db_table)} ({liste}) FROM STDIN") as copie:
            for ligne in lignes:
                copie.write_row(ligne + constantes)
                nombre += 1
        if any(nom == "id" for nom in champs):  # identifiants écrits par nous : la séquence doit les suivre
            for requete in connection.ops.sequence_reset_sql(no_style(), [modele]):
                curseur.execute(requete)
    return nombre


def valeur_par_defaut(champ):
    if getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False):
        return timezone.now()
    if champ.has_default():
        return champ.get_default()
    if champ.empty_strings_allowed:
        return ""
    raise ValueError(f"{champ.model.__name__}.{champ.name} : aucune valeur à écrire par défaut.")


def prochain_id(modele) -> int:
    return (modele.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


# Dispositifs -----------------------------------------------------------------------------------------------


def repartir(nombre: int, poids: dict) -> dict:
    """Répartit `nombre` au prorata des poids (plus forts restes) : le total tombe juste."""
    total = sum(poids.values())
    parts = {cle: nombre * p / total for cle, p in poids.items()}
    entieres = {cle: int(part) for cle, part in parts.items()}
    restes = sorted(parts, key=lambda cle: parts[cle] - entieres[cle], reverse=True)
    for cle in restes[: nombre - sum(entieres.values())]:
        entieres[cle] += 1
    return entieres


def lieux_des_departements() -> dict[Territoire, list[int]]:
    """Chaque département et où poser ses dispositifs : ses territoires de santé s'il en a, sinon lui-même."""
    departements = list(Territoire.objects.departements().order_by("chemin"))
    sante = {}
    for territoire in Territoire.objects.filter(niveau=Niveau.TERRITOIRE_SANTE):
        sante.setdefault(territoire.parent_id, []).append(territoire.pk)
    return {d: sante.get(d.pk, [d.pk]) for d in departements}


def ecrire_dispositifs(nombre: int, hasard: random.Random) -> tuple[list[tuple], int]:
    """Organismes, dispositifs installés et leur registre de capacités. Renvoie (id, type, profil) de chaque
    dispositif, et le nombre d'organismes."""
    lieux = lieux_des_departements()
    par_departement = repartir(nombre, {d: d.population or 1 for d in lieux})
    types = list(TypeDispositif.objects.order_by("ordre", "pk"))
    poids = [POIDS_DES_TYPES.get(t.code, 3) for t in types]
    premier_dispositif, premier_organisme = prochain_id(Dispositif), prochain_id(Organisme)
    lignes, rang = [], 0
    for departement, lieux_du_departement in lieux.items():
        for _ in range(par_departement[departement]):
            type_ = hasard.choices(types, poids)[0]
            organisme = premier_organisme + rang // DISPOSITIFS_PAR_ORGANISME
            nom = f"{type_.sigle} n° {rang + 1} — {departement.nom} (fictif)"
            lignes.append((premier_dispositif + rang, nom, type_, organisme, hasard.choice(lieux_du_departement)))
            rang += 1
    nb_organismes = -(-len(lignes) // DISPOSITIFS_PAR_ORGANISME)
    ecrire_organismes(premier_organisme, nb_organismes)
    statut = Statut.INSTALLE
    copier(
        Dispositif,
        ["id", "nom", "type_id", "organisme_id", "territoire_id", "statut", "fictif"],
        ((pk, nom, type_.pk, organisme, lieu, statut, True) for pk, nom, type_, organisme, lieu in lignes),
    )
    dispositifs = [(pk, type_, tirer_profil(type_, hasard)) for pk, _, type_, _, _ in lignes]
    ecrire_capacites(dispositifs)
    return dispositifs, nb_organismes


def ecrire_organismes(premier: int, nombre: int):
    """Les organismes gestionnaires, DISPOSITIFS_PAR_ORGANISME dispositifs chacun, aux identifiants consécutifs."""
    lignes = ((premier + i, f"Association n° {i + 1} de la mesure nationale (fictive)", True) for i in range(nombre))
    copier(Organisme, ["id", "nom", "fictif"], lignes)


def tirer_profil(type_, hasard: random.Random) -> Profil:
    if type_.code in AVEC_PLACES:
        places = hasard.randint(6, 40)
        return Profil(places, round(places * hasard.uniform(1.1, 1.6)), round(places * hasard.uniform(0.3, 0.6), 2))
    return Profil(0, hasard.randint(25, 300), round(hasard.uniform(1.5, 8), 2))


def ecrire_capacites(dispositifs: list[tuple]):
    """Autorisation puis installation de chaque dispositif : ses places, ou une équipe."""
    lignes = []
    for pk, _, profil in dispositifs:
        capacite = profil.places or 1
        lignes.append((pk, DEBUT_DES_AUTORISATIONS, Nature.AUTORISATION, capacite, "Arrêté fictif"))
        lignes.append((pk, DEBUT_DES_AUTORISATIONS, Nature.INSTALLATION, capacite, "Arrêté fictif"))
    copier(EvenementCapacite, ["dispositif_id", "date", "nature", "quantite", "reference"], iter(lignes))


# Déclarations et valeurs -----------------------------------------------------------------------------------


def ecrire_declarations(dispositifs: list[tuple], mois: list[datetime.date]) -> int:
    """Une déclaration validée par dispositif et par mois, aux identifiants consécutifs (dispositif par
    dispositif, mois par mois) : les valeurs les retrouvent sans relire la table. Renvoie le premier."""
    premier = prochain_id(Declaration)
    dates = {m: dates_de_validation(m) for m in mois}
    validee = StatutDeclaration.VALIDEE
    lignes = (
        (premier + rang * len(mois) + k, pk, m, validee, *dates[m], 1)
        for rang, (pk, _, _) in enumerate(dispositifs)
        for k, m in enumerate(mois)
    )
    copier(Declaration, ["id", "dispositif_id", "mois", "statut", "transmise_le", "validee_le", "version"], lignes)
    return premier


def dates_de_validation(mois: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Transmise le 5 du mois suivant, validée le 12."""
    suivant = decaler(mois, 1)
    heure = datetime.time(10, tzinfo=datetime.UTC)
    return (
        datetime.datetime.combine(suivant.replace(day=5), heure),
        datetime.datetime.combine(suivant.replace(day=12), heure),
    )


def ecrire_valeurs(dispositifs: list[tuple], mois: list[datetime.date], premier: int, hasard) -> int:
    declares = indicateurs_par_type()
    lignes = (
        (premier + rang * len(mois) + k, declares[type_.pk][code], valeur, "")
        for rang, (_, type_, profil) in enumerate(dispositifs)
        for k, m in enumerate(mois)
        for code, valeur in valeurs_du_mois(profil, m, hasard).items()
        if code in declares[type_.pk]
    )
    return copier(Valeur, ["declaration_id", "indicateur_id", "valeur", "commentaire"], lignes)


def indicateurs_par_type() -> dict[int, dict[str, int]]:
    """Pour chaque type, les indicateurs déclarés (les taux se calculent) : {type_id: {code: indicateur_id}}."""
    declares = {pk: {} for pk in TypeDispositif.objects.values_list("pk", flat=True)}
    Lien = Indicateur.types.through
    liens = Lien.objects.filter(indicateur__in=Indicateur.objects.saisis())
    for type_id, code, pk in liens.values_list("typedispositif_id", "indicateur__code", "indicateur_id"):
        declares[type_id][code] = pk
    return declares


def valeurs_du_mois(profil: Profil, mois: datetime.date, hasard: random.Random) -> dict:
    """Des valeurs plausibles et cohérentes autour du profil (on n'écrit ensuite que celles du type)."""
    alea = hasard.random
    file_active = max(1, round(profil.file_active * (0.85 + 0.3 * alea())))
    nouvelles = round(file_active * (0.05 + 0.3 * alea()))
    valeurs = {
        "file_active": file_active,
        "nouvelles_personnes": nouvelles,
        "bilans_sante": round(file_active * 0.3 * alea()),
        "orientations_droit_commun": round(file_active * 0.25 * alea()),
        "ouvertures_droits": round(file_active * 0.15 * alea()),
        "interventions_aller_vers": round(10 + 60 * alea()),
        "vaccinations": round(file_active * 0.08 * alea()),
        "depistages": round(file_active * 0.12 * alea()),
        "sorties": round(nouvelles * (0.6 + 0.6 * alea())),
        "etp_en_poste": round(max(0.5, profil.etp * (0.9 + 0.15 * alea())), 2),
    }
    if profil.places:
        theoriques = profil.places * calendar.monthrange(mois.year, mois.month)[1]
        valeurs["journees_theoriques"] = theoriques
        valeurs["journees_realisees"] = round(theoriques * (0.7 + 0.29 * alea()))
    return valeurs
