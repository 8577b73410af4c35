"""Démonstration : l'AMI « aller-vers » d'Île-de-France et l'appel à projets 2023 d'Occitanie."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from appels.lettre import en_querydict
from appels.models import Appel, Candidature, Critere, Nature, StatutAppel
from appels.services import candidatures
from comptes.models import Role, Utilisateur
from dispositifs.models import Dispositif, EvenementCapacite, Organisme, Statut, TypeDispositif
from dispositifs.models import Nature as NatureEvenement
from planification.models import Horizon
from territoires.models import Territoire

PARIS = ZoneInfo("Europe/Paris")

DESCRIPTION_IDF = (
    "Appel à manifestation préliminaire d'intérêt pour des équipes mobiles « aller-vers » (Ségur de la santé, "
    "mesure 27) : LHSS hors les murs, ACT sans hébergement, équipes mobiles santé précarité et SSIAD précarité. "
    "Les lettres d'intention, de 4 pages au plus, préparent l'appel à projets qui suivra.\n\n"
    "Démonstration : l'AMI réel de l'ARS Île-de-France fermait le 30 juin 2021 ; il est rejoué ici avec pour "
    "date limite le prochain 30 juin, pour qu'on puisse y déposer."
)
REGLES_IDF = (
    "Projets portés par des organismes gestionnaires médico-sociaux ou sanitaires de la région ; au moins un "
    "professionnel de santé dans l'équipe prévue. Les PASS mobiles et les EMPP ne relèvent pas de cet appel."
)
DESCRIPTION_OCCITANIE = (
    "Appel à projets de l'ARS Occitanie, instruit avec le service des solidarités de la DREETS. Il a permis la "
    "création de 26 places de LAM, 31 places d'ACT et 103 places d'ACT « hors les murs » (feuille de route "
    "DREETS / DDETS / ARS Occitanie, 2024).\n\nDates de démonstration : la feuille de route ne donne ni les dates "
    "de l'appel ni la répartition des places entre opérateurs."
)
RESULTATS_OCCITANIE = [("LAM", 26), ("ACT", 31), ("ACT-HLM", 103)]


def prochain_30_juin(maintenant) -> datetime.datetime:
    """Le prochain 30 juin à 23 h 59, heure de Paris."""
    annee = maintenant.year if maintenant.date() < datetime.date(maintenant.year, 6, 30) else maintenant.year + 1
    return datetime.datetime(annee, 6, 30, 23, 59, tzinfo=PARIS)


@transaction.atomic
def creer_appels_demo() -> list[Appel]:
    types = {t.code: t for t in TypeDispositif.objects.all()}
    regions = {r.code: r for r in Territoire.objects.regions().filter(code__in=["11", "76"])}
    maintenant = timezone.now()
    idf, _ = Appel.objects.update_or_create(
        reference="idf-aller-vers-segur-27",
        defaults={
            "nature": Nature.AMI,
            "titre": "Équipes mobiles « aller-vers » pour les personnes en grande précarité",
            "region": regions["11"],
            "horizon": Horizon.objects.filter(slug="prs-2023-2028").first(),
            "description": DESCRIPTION_IDF,
            "ouverture": maintenant - datetime.timedelta(days=30),
            "cloture": prochain_30_juin(maintenant),
            "regles_eligibilite": REGLES_IDF,
            # Choix de démonstration (l'appel est fictif) : instruit avec la DREETS, pour que les comptes
            # instructeur-idf et dreets-idf aient chacun la file de cet appel.
            "co_instruction_dreets": True,
            "statut": StatutAppel.PUBLIE,
            "fictif": True,
        },
    )
    idf.types_cibles.set([types[c] for c in ("LHSS-MOBILE", "ACT-HLM", "EMSP", "SSIAD-PRECARITE")])
    idf.types_exclus.set([types["PASS-MOBILE"], types["EMPP"]])
    creer_lettres_idf(idf)
    occitanie = creer_appel_occitanie(regions["76"], types)
    return [idf, occitanie, creer_appel_hdf(types)]


def creer_appel_hdf(types) -> Appel:
    """Un appel fictif des Hauts-de-France, clos, dont une lettre est retenue par le planificateur de démonstration :
    le projet qui en naît est ensuite autorisé puis à moitié installé (dispositifs.demo.autoriser_projet_retenu_demo),
    pour montrer la boucle jusqu'à l'arrêté. La lettre est déposée pendant que l'appel est ouvert, puis l'appel clôt,
    par les services eux-mêmes ; rejouable (une décision prise n'est pas reprise)."""
    from appels.models import NatureDecision
    from appels.services.instruction import decider

    maintenant = timezone.now()
    appel, _ = Appel.objects.update_or_create(
        reference="hdf-aap-lhss-demo",
        defaults={
            "nature": Nature.AAP,
            "titre": "Places de LHSS dans le Hainaut (appel fictif de démonstration)",
            "region": Territoire.objects.regions().get(code="32"),
            "horizon": Horizon.objects.filter(slug="cibles-2019-2023").first(),
            "description": "Appel fictif : la source 000 annonce 13 places de LHSS en cours dans le Hainaut.",
            "ouverture": maintenant - datetime.timedelta(days=90),
            "cloture": maintenant + datetime.timedelta(days=1),
            "statut": StatutAppel.PUBLIE,
            "fictif": True,
        },
    )
    appel.types_cibles.set([types["LHSS"]])
    organisme = Organisme.objects.get(nom="Association Solidarité Santé Nord (fictive)")
    candidature = Candidature.objects.pour(appel=appel, organisme=organisme)
    if not (candidature.pk and candidature.depots.exists()):
        donnees = en_querydict(lettre_demo("LHSS", "390000", "59"))
        candidature = candidatures.enregistrer_brouillon(
            candidature=candidature, donnees=donnees, version_lue=candidature.version_brouillon
        )
        candidatures.deposer(candidature=candidature, user=deposant_de(organisme), cle=f"demo-hdf-{organisme.pk}")
    appel.cloture = maintenant - datetime.timedelta(days=30)
    appel.statut = StatutAppel.TERMINE
    appel.save(update_fields=["cloture", "statut"])
    candidature.refresh_from_db()
    if not hasattr(candidature, "decision"):
        decider(
            candidature=candidature,
            user=Utilisateur.objects.get(email="planificateur@demo.example"),
            nature=NatureDecision.RETENUE,
            version_lue=0,
            motif="Projet retenu (démonstration).",
            montant_retenu=Decimal(390000),
            capacite_retenue=Decimal(13),
        )
    return appel


def creer_appel_occitanie(region, types) -> Appel:
    appel, _ = Appel.objects.update_or_create(
        reference="occitanie-aap-2023-lam-act",
        defaults={
            "nature": Nature.AAP,
            "titre": "Création de places de LAM, d'ACT et d'ACT « hors les murs »",
            "region": region,
            "description": DESCRIPTION_OCCITANIE,
            "ouverture": datetime.datetime(2023, 3, 1, 9, 0, tzinfo=PARIS),
            "cloture": datetime.datetime(2023, 5, 31, 23, 59, tzinfo=PARIS),
            "co_instruction_dreets": True,
            "statut": StatutAppel.TERMINE,
            "fictif": True,
        },
    )
    appel.types_cibles.set([types[code] for code, _ in RESULTATS_OCCITANIE])
    appel.criteres.all().delete()
    for ordre, (libelle, poids) in enumerate(
        [("Réponse aux besoins du territoire", 40), ("Qualité du projet de soins", 35), ("Coût et efficience", 25)]
    ):
        Critere.objects.create(appel=appel, libelle=libelle, poids=poids, ordre=ordre)
    creer_places_occitanie(appel, region, types)
    return appel


def creer_places_occitanie(appel, region, types):
    """Les places créées par l'appel, au niveau de la région faute de répartition publiée."""
    organisme, _ = Organisme.objects.update_or_create(
        nom="Opérateurs retenus de l'AAP Occitanie 2023 (regroupement fictif)", defaults={"fictif": True}
    )
    Dispositif.objects.filter(organisme=organisme).delete()
    for code, places in RESULTATS_OCCITANIE:
        dispositif = Dispositif.objects.create(
            nom=f"Places {types[code].sigle} créées par l'AAP Occitanie 2023",
            type=types[code],
            organisme=organisme,
            territoire=region,
            statut=Statut.AUTORISE,
            note="Répartition entre opérateurs et départements non publiée par la source.",
            fictif=True,
        )
        EvenementCapacite.objects.create(
            dispositif=dispositif,
            date=datetime.date(2023, 12, 31),
            nature=NatureEvenement.AUTORISATION,
            quantite=places,
            reference=f"Résultat de l'appel {appel.reference} (date de démonstration)",
        )


# Lettres fictives sur l'AMI d'Île-de-France : (organisme, état voulu, dispositif envisagé, budget).
LETTRES_IDF = [
    ("Association Rue et Santé Paris (fictive)", "deposee", "EMSP", "320000"),
    ("Association Bidonvilles Accès aux Soins (fictive)", "modifiee", "LHSS-MOBILE", "410000"),
    ("Centre hospitalier fictif de Seine-Saint-Denis", "brouillon", "SSIAD-PRECARITE", "250000"),
]


def creer_lettres_idf(appel) -> list:
    """Des lettres fictives dans plusieurs états, créées par les services de dépôt eux-mêmes."""
    departement = appel.region.enfants.order_by("code").first()
    resultats = []
    for nom, etat, dispositif, budget in LETTRES_IDF:
        organisme, _ = Organisme.objects.update_or_create(nom=nom, defaults={"fictif": True})
        deposant = deposant_de(organisme)
        candidature = Candidature.objects.pour(appel=appel, organisme=organisme)
        if not (candidature.pk and candidature.depots.exists()):  # rejouable : un dépôt fait n'est pas refait
            donnees = en_querydict(lettre_demo(dispositif, budget, departement.code))
            candidature = candidatures.enregistrer_brouillon(
                candidature=candidature, donnees=donnees, version_lue=candidature.version_brouillon
            )
            if etat != "brouillon":
                candidatures.deposer(candidature=candidature, user=deposant, cle=f"demo-{organisme.pk}")
            if etat == "modifiee":
                donnees["budget_demande"] = str(int(budget) + 40000)
                candidatures.enregistrer_brouillon(
                    candidature=candidature, donnees=donnees, version_lue=candidature.version_brouillon
                )
        resultats.append(candidature)
    return resultats


def deposant_de(organisme) -> Utilisateur:
    """Un compte opérateur de l'organisme, sans mot de passe utilisable : il ne sert qu'à déposer."""
    deposant, _ = Utilisateur.objects.get_or_create(
        email=f"depot-{organisme.pk}@demo.example",
        defaults={
            "role": Role.OPERATEUR,
            "first_name": "Opérateur",
            "last_name": organisme.nom,
            "password": make_password(None),
        },
    )
    deposant.organismes.add(organisme)
    return deposant


def lettre_demo(dispositif, budget, territoire) -> dict:
    return {
        "statut_organisme": "Association loi 1901 (fictive)",
        "experience": "Maraudes sanitaires et accompagnement vers le droit commun depuis plusieurs années (fictif).",
        "dispositif_envisage": dispositif,
        "projet_existant": "non",
        "publics": ["rue", "campements"],
        "attention_perinatalite": "on",
        "territoires": [territoire],
        "nature_proposition": "Consultations infirmières de rue, bilans de santé, orientation vers la PASS (fictif).",
        "alliance": "Binômes infirmier et médiateur en santé.",
        "file_active": "150",
        "budget_demande": budget,
        "equipe-TOTAL_FORMS": "2",
        "equipe-INITIAL_FORMS": "0",
        "equipe-0-profession": "Infirmier",
        "equipe-0-etp": "2",
        "equipe-0-professionnel_sante": "on",
        "equipe-1-profession": "Médiateur en santé",
        "equipe-1-etp": "1",
        "partenariats-TOTAL_FORMS": "1",
        "partenariats-INITIAL_FORMS": "0",
        "partenariats-0-nom": "PASS de l'hôpital fictif",
        "partenariats-0-nature": "Consultations et bilans",
        "partenariats-0-etat": "acte",
    }
