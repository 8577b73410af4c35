"""Démonstration des partenariats (idempotente : ce qui est fictif est effacé puis recréé par les services).

- Conventions des Hauts-de-France (région des comptes de démonstration) : PASS des centres hospitaliers fictifs avec
  des structures sociales, un CHRS et un SIAO fictifs — « conventions entre l'hôpital - notamment les PASS - et les
  structures sociales » (source 003) — et une convention prévue d'un SSIAD précarité avec un DAC fictif — « passer
  convention ou accord avec les dispositifs de coordination (DAC) » (source 001). Partenaires, dates et objets fictifs.
- Annuaire de l'Occitanie, la région de la feuille de route (source 003) : pour la région, le service des solidarités
  de la DREETS et les directions DSP et DOSA de l'ARS, que la source nomme ; pour chacun des 13 départements, un
  correspondant de la DDETS(PP) et un de l'ARS (« les correspondants régionaux et départementaux »). La source ne
  nomme pas les services départementaux : ils restent vides. Courriels fictifs en @demo.example.
- Une rencontre bilatérale DG ARS / DREETS d'Occitanie (« un point d'avancement […] chaque année », source 003), à
  une date fictive ; ses prochaines étapes sont les chantiers datés de la feuille de route.
"""

import datetime
import io

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from comptes.models import Utilisateur
from dispositifs.models import Dispositif, Organisme, TypeDispositif
from partenariats.models import (
    CategoriePartenaire,
    Contact,
    Convention,
    Niveau,
    RencontreBilaterale,
    StatutConvention,
    Structure,
)
from partenariats.services import enregistrer_contact, enregistrer_convention, enregistrer_rencontre
from territoires.models import Niveau as NiveauTerritoire
from territoires.models import Territoire

OBJET_PASS = (
    "Sécuriser les parcours des personnes pour les maintenir ou les ramener dans le droit commun : organisation des "
    "entrées et sorties, suivi des traitements (objet repris de la source 003 ; convention fictive)."
)
# (organisme, type, code du département, partenaire, catégorie, statut, signée le, PDF joint)
CONVENTIONS = [
    ("Centre hospitalier fictif du Littoral", "PASS", "59", "CHRS fictif de Dunkerque", CategoriePartenaire.CHRS,
     StatutConvention.ACTEE, datetime.date(2025, 3, 14), True),
    ("Centre hospitalier fictif du Littoral", "PASS", "59", "SIAO fictif du Nord", CategoriePartenaire.SIAO,
     StatutConvention.ACTEE, datetime.date(2025, 9, 2), False),
    ("Centre hospitalier fictif de l'Aisne", "PASS", "02", "Association d'hébergement fictive de Laon",
     CategoriePartenaire.STRUCTURE_SOCIALE, StatutConvention.PREVUE, None, False),
]  # fmt: skip
ORGANISME_OPERATEUR = "Association Solidarité Santé Nord (fictive)"  # celui d'operateur@demo.example
CONVENTION_OPERATEUR = (
    "DAC fictif du Nord",
    "Accord avec le dispositif d'appui à la coordination du territoire d'intervention (source 001, annexe 2 bis ; "
    "convention fictive).",
)
FONCTION_REGIONALE = "Correspondant régional"
FONCTION_DEPARTEMENTALE = "Correspondant départemental"
# (structure, service, fonction, courriel) pour la région
CONTACTS_REGIONAUX = [
    (Structure.DREETS, "Service des solidarités", FONCTION_REGIONALE, "solidarites.dreets-occitanie@demo.example"),
    (Structure.ARS, "DSP", FONCTION_REGIONALE, "dsp.ars-occitanie@demo.example"),
    (Structure.ARS, "DOSA", FONCTION_REGIONALE, "dosa.ars-occitanie@demo.example"),
]
PROCHAINES_ETAPES = (
    "Chantiers datés de la feuille de route (source 003) : protocole-type logement insalubre proposé au niveau "
    "régional au second semestre 2024 ; état des lieux des ressources en interprétariat et médiation en santé "
    "courant 2024 ; cartographie des dispositifs existants en 2024 ; convention-type PASS / structures sociales "
    "proposée au niveau régional le cas échéant."
)


def admin_demo():
    return Utilisateur.objects.get(email="admin@demo.example")


def pdf_fictif(nom: str) -> SimpleUploadedFile:
    """Un PDF d'une page blanche : la pièce jointe fictive, qui passe le contrôle des pièces comme une vraie."""
    document = pikepdf.new()
    document.add_blank_page()
    tampon = io.BytesIO()
    document.save(tampon)
    return SimpleUploadedFile(nom, tampon.getvalue(), content_type="application/pdf")


@transaction.atomic
def creer_partenariats_demo() -> dict:
    """Recrée conventions, annuaire et rencontre de démonstration ; rend leurs nombres."""
    admin = admin_demo()
    Convention.objects.filter(fictif=True).delete()
    Contact.objects.filter(fictif=True).delete()
    RencontreBilaterale.objects.filter(fictif=True).delete()
    conventions = creer_conventions(admin)
    occitanie = Territoire.objects.get(niveau=NiveauTerritoire.REGION, code="76")
    contacts = creer_annuaire(admin, occitanie)
    enregistrer_rencontre(
        user=admin,
        territoire=occitanie,
        date=datetime.date(2025, 5, 23),
        niveau=Niveau.DG,
        services_presents="ARS Occitanie : direction générale, DSP, DOSA ; DREETS Occitanie : direction régionale, "
        "service des solidarités (présences fictives).",
        decisions="Point d'avancement annuel de la feuille de route commune (source 003). Décisions : contenu fictif "
        "de démonstration.",
        prochaines_etapes=PROCHAINES_ETAPES,
        fictif=True,
    )
    return {"conventions": conventions, "contacts": contacts, "rencontres": 1}


def creer_conventions(admin) -> int:
    territoires = {t.code: t for t in Territoire.objects.departements()}
    types = {t.code: t for t in TypeDispositif.objects.all()}
    for nom, code_type, departement, partenaire, categorie, statut, signee_le, avec_pdf in CONVENTIONS:
        enregistrer_convention(
            user=admin,
            organisme=Organisme.objects.get_or_create(nom=nom, defaults={"fictif": True})[0],
            type_dispositif=types[code_type],
            dispositif=None,
            territoire=territoires[departement],
            partenaire_nom=partenaire,
            partenaire_categorie=categorie,
            objet=OBJET_PASS,
            statut=statut,
            signee_le=signee_le,
            fichier=pdf_fictif("convention-fictive.pdf") if avec_pdf else None,
            fictif=True,
        )
    creer_convention_operateur(admin, territoires["59"])
    return len(CONVENTIONS) + 1


def creer_convention_operateur(admin, nord):
    """La convention prévue de l'organisme de l'opérateur de démonstration : il la voit, et peut la déclarer actée."""
    organisme = Organisme.objects.get(nom=ORGANISME_OPERATEUR)
    dispositif = Dispositif.objects.filter(organisme=organisme, type__code="SSIAD-PRECARITE", fictif=True).first()
    partenaire, objet = CONVENTION_OPERATEUR
    enregistrer_convention(
        user=admin,
        organisme=organisme,
        type_dispositif=TypeDispositif.objects.get(code="SSIAD-PRECARITE"),
        dispositif=dispositif,
        territoire=dispositif.territoire if dispositif else nord,
        partenaire_nom=partenaire,
        partenaire_categorie=CategoriePartenaire.DAC,
        objet=objet,
        statut=StatutConvention.PREVUE,
        signee_le=None,
        fictif=True,
    )


def creer_annuaire(admin, region) -> int:
    lignes = [(region, *contact) for contact in CONTACTS_REGIONAUX]
    for departement in Territoire.objects.departements().filter(parent=region).order_by("code"):
        code = departement.code.lower()
        lignes += [
            (departement, Structure.DDETS, "", FONCTION_DEPARTEMENTALE, f"ddets-{code}@demo.example"),
            (departement, Structure.DD_ARS, "", FONCTION_DEPARTEMENTALE, f"ars-dd{code}@demo.example"),
        ]
    for territoire, structure, service, fonction, courriel in lignes:
        enregistrer_contact(
            user=admin,
            territoire=territoire,
            structure=structure,
            service=service,
            fonction=fonction,
            courriel=courriel,
            telephone="",
            fictif=True,
        )
    return len(lignes)
