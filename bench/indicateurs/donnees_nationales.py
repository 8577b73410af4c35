"""Le jeu de données synthétique national de `make bench` : écrit par COPY (psycopg 3), jamais par l'ORM ligne à
ligne, pour tenir en quelques minutes avec des millions de valeurs.

Tout est fictif et marqué comme tel : les territoires sont les vrais (importer_territoires), les types et les
indicateurs ceux du catalogue migré ; les dispositifs, installés, se répartissent entre départements au prorata
de la population (sur leurs territoires de santé quand il y en a), leurs types selon des poids plausibles ; leurs
déclarations mensuelles sont toutes validées et cohérentes (nouvelles personnes ≤ file active, journées
réalisées ≤ journées théoriques).

Ce que lisent les autres pages mesurées (bench.indicateurs.pages) existe aussi à l'échelle nationale
(`ecrire_donnees_des_pages`) : deux horizons et leurs cibles pour chaque type sur chaque territoire (pays, régions,
départements), trois années de crédits par dispositif et les enveloppes régionales, un appel clos de la région
mesurée et ses lettres d'intention déposées (une par organisme, la moitié notée), et un an de rapports mensuels
archivés par région.
"""

import calendar
import datetime
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from appels.models import Appel, Avis, Candidature, Critere, Depot, StatutAppel, StatutCandidature
from appels.models import Nature as NatureAppel
from commun.mois import decaler
from comptes.models import Role, Utilisateur
from dispositifs.models import Dispositif, EvenementCapacite, Nature, Organisme, Statut, TypeDispositif
from financements.models import Credit, Enveloppe, Source
from indicateurs.catalogue import AVEC_PLACES
from indicateurs.models import (
    Declaration,
    Indicateur,
    Rapport,
    StatutDeclaration,
    StatutRapport,
    Valeur,
    VersionRapport,
)
from planification.models import Cible, Horizon
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
    pages: dict = field(default_factory=dict)  # ce qu'écrit ecrire_donnees_des_pages : {quoi: nombre}


def generer(*, nb_dispositifs: int, nb_mois: int, graine: int, dire, nb_lettres: int = 0, region: str = "32") -> Jeu:
    """Écrit le jeu de données des `nb_mois` mois finis qui précèdent le mois en cours, et ce que lisent les pages
    (`nb_lettres` lettres déposées à l'appel de la région `region`) ; renvoie ce qui a été écrit."""
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
        dire(f"{nb_valeurs} valeurs écrites en {secondes['valeurs']} s ; cibles, crédits, appel et rapports…")
        with Chrono(secondes, "pages"):
            pages = ecrire_donnees_des_pages(dispositifs, mois, nb_lettres, region, hasard)
        dire(f"{pages} écrits en {secondes['pages']} s ; contrôle des références…")
        with Chrono(secondes, "references"):
            verifier_references([Organisme, Dispositif, EvenementCapacite, Declaration, Valeur, Credit])
        avant_commit = time.perf_counter()
    secondes["commit"] = round(time.perf_counter() - avant_commit, 1)
    dire(
        f"Références vérifiées en {secondes['references']} s, transaction validée en {secondes['commit']} s ; ANALYZE…"
    )
    with Chrono(secondes, "analyze"), connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    jeu = Jeu(len(dispositifs), nb_organismes, len(dispositifs) * nb_mois, nb_valeurs, debut, fin, secondes, pages)
    return jeu


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


# Ce que lisent les autres pages -----------------------------------------------------------------------------

HORIZONS = [
    ("praps-2024-2028", "PRAPS 2024-2028 (fictif)", datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
    ("cibles-2019-2023", "Cibles 2019-2023 (fictif)", datetime.date(2019, 1, 1), datetime.date(2023, 12, 31)),
]
REFERENCE_APPEL = "bench-appel-lettres"
CRITERES = [("Pertinence du projet", 40), ("Partenariats", 25), ("Équipe", 20), ("Budget", 15)]
MOIS_DE_RAPPORTS = 12


def ecrire_donnees_des_pages(dispositifs: list[tuple], mois: list, nb_lettres: int, code_region: str, hasard) -> dict:
    """Cibles, crédits et enveloppes, l'appel et ses lettres, les rapports archivés. Renvoie {quoi: nombre}."""
    region = Territoire.objects.get(niveau=Niveau.REGION, code=code_region)
    return {
        "cibles": ecrire_cibles(hasard),
        **ecrire_financements(dispositifs, hasard),
        "lettres": ecrire_appel(region, nb_lettres, hasard),
        # Le dernier mois reste à générer : la mesure du rapport PDF (bench.indicateurs.rapport) le crée.
        "rapports": ecrire_rapports(mois[-MOIS_DE_RAPPORTS - 1 : -1]),
    }


def ecrire_cibles(hasard) -> int:
    """Une cible par type, pour chaque horizon, sur le pays, chaque région et chaque département."""
    horizons = [Horizon(slug=s, libelle=lib, debut=d, fin=f) for s, lib, d, f in HORIZONS]
    Horizon.objects.bulk_create(horizons)
    territoires = Territoire.objects.filter(niveau__in=[Niveau.PAYS, Niveau.REGION, Niveau.DEPARTEMENT])
    echelle = {Niveau.PAYS: 400, Niveau.REGION: 40, Niveau.DEPARTEMENT: 6}
    types = list(TypeDispositif.objects.all())
    cibles = [
        Cible(type=t, territoire=ter, horizon=h, valeur=hasard.randint(1, echelle[ter.niveau]), fictif=True)
        for h in horizons
        for t in types
        for ter in territoires.only("pk", "niveau")
    ]
    return len(Cible.objects.bulk_create(cibles, batch_size=2000))


def ecrire_financements(dispositifs: list[tuple], hasard) -> dict:
    """Un crédit par dispositif et par année, sur les trois dernières années ; par région et par année, une
    enveloppe FIR et une ONDAM médico-social de tous types, et une FIR pour chacun des trois premiers types."""
    annees = [timezone.localdate().year - n for n in range(3)]
    sources = [Source.FIR, Source.ONDAM_MS, Source.MIG]
    lignes = (
        (pk, annee, source, round(hasard.uniform(20_000, 400_000), 2), True, "Notification fictive")
        for pk, _, _ in dispositifs
        for annee in annees
        for source in [hasard.choice(sources)]
    )
    champs = ["dispositif_id", "annee", "source", "montant", "reconductible", "reference"]
    nb_credits = copier(Credit, champs, lignes)
    premiers_types = list(TypeDispositif.objects.order_by("ordre", "pk")[:3])
    enveloppes = [
        Enveloppe(region=region, annee=annee, source=source, type=type_, montant=hasard.randint(1, 40) * 250_000)
        for region in Territoire.objects.regions()
        for annee in annees
        for source, type_ in [(Source.FIR, None), (Source.ONDAM_MS, None)] + [(Source.FIR, t) for t in premiers_types]
    ]
    return {"credits": nb_credits, "enveloppes": len(Enveloppe.objects.bulk_create(enveloppes))}


def ecrire_appel(region, nb_lettres: int, hasard) -> int:
    """Un appel clos de la région (l'instruction est ouverte), sa grille, et `nb_lettres` lettres déposées par
    autant d'organismes de la région (à défaut, d'ailleurs) ; une sur deux porte un avis complet."""
    maintenant = timezone.now()
    appel = Appel.objects.create(
        nature=NatureAppel.AMI,
        titre="Appel à manifestation d'intérêt de la mesure nationale (fictif)",
        reference=REFERENCE_APPEL,
        region=region,
        description="Appel inventé pour la mesure des pages.",
        ouverture=maintenant - datetime.timedelta(days=60),
        cloture=maintenant - datetime.timedelta(days=1),
        enveloppe=nb_lettres * 150_000,
        statut=StatutAppel.CLOS,
        fictif=True,
    )
    criteres = Critere.objects.bulk_create(
        Critere(appel=appel, libelle=libelle, poids=poids, ordre=rang)
        for rang, (libelle, poids) in enumerate(CRITERES)
    )
    dans_la_region = Organisme.objects.filter(dispositifs__territoire__chemin__startswith=region.chemin).distinct()
    organismes = list(dans_la_region.order_by("pk")[:nb_lettres])
    if len(organismes) < nb_lettres:  # petite taille : des organismes d'ailleurs complètent
        organismes += list(
            Organisme.objects.exclude(pk__in=[o.pk for o in organismes])[: nb_lettres - len(organismes)]
        )
    deposant = Utilisateur.objects.create(email="operateur-lettres@bench.example", role=Role.OPERATEUR)
    evaluateur = Utilisateur.objects.create(
        email="evaluateur-lettres@bench.example", role=Role.INSTRUCTEUR, region=region
    )
    candidatures = Candidature.objects.bulk_create(
        Candidature(appel=appel, organisme=organisme, statut=StatutCandidature.DEPOSEE) for organisme in organismes
    )
    departements = list(Territoire.objects.descendants(region).departements().values_list("code", flat=True))
    types = list(TypeDispositif.objects.values_list("code", flat=True))
    Depot.objects.bulk_create(
        (
            Depot(
                candidature=candidature,
                version=1,
                numero=f"AMI-{appel.cloture:%Y}-{appel.pk:03d}-{rang + 1:05d}",
                depose_le=appel.cloture - datetime.timedelta(minutes=rang),
                depose_par=deposant,
                contenu={"lettre": lettre_deposee(hasard, types, departements)},
                empreinte=f"{rang:064x}",
                cle_idempotence=f"bench-{rang}",
            )
            for rang, candidature in enumerate(candidatures)
        ),
        batch_size=1000,
    )
    Avis.objects.bulk_create(
        (avis_complet(candidature, evaluateur, criteres, hasard) for candidature in candidatures[::2]),
        batch_size=1000,
    )
    return len(candidatures)


def lettre_deposee(hasard, types: list[str], departements: list[str]) -> dict:
    """Ce que contient une lettre déposée (appels.services.candidatures.contenu_valide) : ce que la file lit."""
    return {
        "statut_organisme": "Association loi 1901",
        "experience": "Dix ans de maraudes sanitaires (fictif).",
        "dispositif_envisage": hasard.choice(types),
        "projet_existant": "non",
        "publics": ["rue"],
        "territoires": hasard.sample(departements, min(2, len(departements))),
        "nature_proposition": "Consultations de rue et accompagnement vers le droit commun.",
        "file_active": str(hasard.randint(40, 400)),
        "budget_demande": str(hasard.randint(5, 60) * 10_000),
        "capacite_demandee": str(hasard.randint(2, 20)),
        "equipe": [{"profession": "Infirmière", "etp": "1.5", "professionnel_sante": True}],
        "partenariats": [{"nom": "PASS du centre hospitalier", "nature": "Bilans", "etat": "acte"}],
    }


def avis_complet(candidature, evaluateur, criteres, hasard) -> Avis:
    notes = {str(critere.pk): hasard.randint(0, 10) for critere in criteres}
    total = sum(notes[str(c.pk)] * c.poids for c in criteres) * 10 / sum(c.poids for c in criteres)
    return Avis(candidature=candidature, evaluateur=evaluateur, notes=notes, total=round(total, 2), complet=True)


def ecrire_rapports(mois: list) -> int:
    """Pour chaque région et chacun des `mois`, ses versions interne et publique, prêtes, une version archivée
    chacune (le fichier n'existe pas : la liste ne le lit pas)."""
    genere_le = timezone.now()
    rapports = Rapport.objects.bulk_create(
        Rapport(
            territoire=region,
            mois=m,
            public=public,
            statut=StatutRapport.PRET,
            fichier=f"rapports/bench-{region.code}-{m:%Y-%m}-{public:d}.pdf",
            empreinte="0" * 64,
            taille=150_000,
            genere_le=genere_le,
        )
        for region in Territoire.objects.regions()
        for m in mois
        for public in (False, True)
    )
    VersionRapport.objects.bulk_create(
        VersionRapport(
            rapport=rapport,
            numero=1,
            fichier=rapport.fichier.name,
            empreinte=rapport.empreinte,
            taille=150_000,
            genere_le=genere_le,
        )
        for rapport in rapports
    )
    return len(rapports)
